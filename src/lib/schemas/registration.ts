import { z } from 'zod';
import { ROLE_CATEGORY_LABELS, type RoleCategory } from '../domain/labels.ts';
import { creditCodeSchema, requiredText as text } from './org.ts';
import { idNumberSchema, mobileSchema, personNameSchema } from './person.ts';

// 实名注册: the public application form, the status lookup and the reviewer's decision.

const CONTROL = /\p{Cc}/u;
const chars = (s: string) => [...s].length;

/** The contact's role in the enterprise. 特种作业人员 needs an operation item, so it is not offered here. */
export const CONTACT_ROLE_CATEGORIES = ['principal', 'controller', 'deputy', 'safety_manager', 'frontline'] as const satisfies readonly RoleCategory[];
const CONTACT_LABELS = CONTACT_ROLE_CATEGORIES.map((c) => ROLE_CATEGORY_LABELS[c]).join('、');

export const registrationSchema = z.object({
	creditCode: creditCodeSchema,
	name: text('企业名称', 100),
	district: z.string({ error: '请选择区县' }).regex(/^[0-9A-Z]{6}$/, '请选择区县'),
	town: z.preprocess((v) => (v === '' || v === undefined ? null : v), z.string().regex(/^\d{9}$/, '请选择乡镇（街道）').nullable()),
	industry: z.string({ error: '请选择行业' }).regex(/^[a-z_]{1,40}$/, '请选择行业'),
	address: text('地址', 200),
	contactName: personNameSchema,
	contactIdNumber: idNumberSchema,
	contactMobile: mobileSchema,
	contactRole: z.enum(CONTACT_ROLE_CATEGORIES, { error: `联系人人员类别应为：${CONTACT_LABELS}` })
});
export type RegistrationInput = z.infer<typeof registrationSchema>;

export const REGISTRATION_FORM_FIELDS = ['creditCode', 'name', 'district', 'town', 'industry', 'address', 'contactName', 'contactIdNumber', 'contactMobile', 'contactRole'] as const;

export const registrationStatusSchema = z.object({ creditCode: creditCodeSchema, mobile: mobileSchema });

export const refusalSchema = z.object({
	reason: z
		.string({ error: '请填写不予通过的理由' })
		.trim()
		.min(1, '请填写不予通过的理由（将以短信告知申请人）')
		.refine((s) => chars(s) <= 500, '理由最多500个字')
		.refine((s) => !CONTROL.test(s.replace(/[\r\n]/g, '')), '理由不能包含控制字符')
});

export const REGISTRATION_STATUS_LABELS: Record<string, string> = { pending: '待审核', confirmed: '已通过', refused: '未通过' };
