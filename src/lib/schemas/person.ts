import { z } from 'zod';
import { checkIdNumber, ID_NUMBER_MESSAGES, MOBILE_RE } from '../domain/identifiers.ts';
import { ENTERPRISE_ROLE_CATEGORIES, ROLE_CATEGORY_LABELS, type RoleCategory } from '../domain/labels.ts';
import { newPasswordSchema } from './auth.ts';

// One enterprise staff member, as the 新增/编辑 form and the Excel import both accept it.
// Limits match the database checks on `persons` (migrations/2026-11-26-001-foundation.ts).

export const PERSON_NAME_MAX = 50;
export const PERSON_POSITION_MAX = 50;
export const EARLIEST_HIRED_ON = '1950-01-01';

/** Characters, not UTF-16 units: char_length() in PostgreSQL counts code points. */
const chars = (s: string) => [...s].length;
const CONTROL = /\p{Cc}/u;

export const personNameSchema = z
	.string({ error: '请填写姓名' })
	.trim()
	.min(1, '请填写姓名')
	.refine((s) => chars(s) <= PERSON_NAME_MAX, `姓名最多${PERSON_NAME_MAX}个字`)
	.refine((s) => !CONTROL.test(s), '姓名不能包含换行或控制字符');

/** 身份证号: spaces dropped, a lower-case x accepted; GB 11643 check digit. */
export const idNumberSchema = z
	.string({ error: '请填写身份证号' })
	.transform((s) => s.replace(/\s+/g, '').toUpperCase())
	.pipe(
		z
			.string()
			.min(1, '请填写身份证号')
			.superRefine((s, ctx) => {
				const problem = checkIdNumber(s);
				if (problem) ctx.addIssue({ code: 'custom', message: ID_NUMBER_MESSAGES[problem] });
			})
	);

/** 手机号: spaces and hyphens dropped (138-1234-5678). */
export const mobileSchema = z
	.string({ error: '请填写手机号' })
	.transform((s) => s.replace(/[\s-]+/g, ''))
	.pipe(z.string().min(1, '请填写手机号').regex(MOBILE_RE, '手机号格式不正确：应为以1开头的11位数字（第二位为3–9）'));

const ENTERPRISE_LABELS = ENTERPRISE_ROLE_CATEGORIES.map((c) => ROLE_CATEGORY_LABELS[c]).join('、');

export const roleCategorySchema = z.enum(ENTERPRISE_ROLE_CATEGORIES as [RoleCategory, ...RoleCategory[]], {
	error: (issue) => (issue.input === undefined || issue.input === '' ? '请选择人员类别' : `人员类别应为：${ENTERPRISE_LABELS}`)
});

const emptyToNull = (v: unknown) => (v === undefined || (typeof v === 'string' && v.trim() === '') ? null : v);

/** Empty text → null, for the optional fields. */
const optionalText = <T extends z.ZodType<string>>(inner: T) => z.preprocess(emptyToNull, inner.nullable());

export const positionSchema = optionalText(
	z
		.string({ error: '岗位必须是文字' })
		.trim()
		.refine((s) => chars(s) <= PERSON_POSITION_MAX, `岗位最多${PERSON_POSITION_MAX}个字`)
		.refine((s) => !CONTROL.test(s), '岗位不能包含换行或控制字符')
);

export const specialOperationCodeSchema = optionalText(
	z
		.string({ error: '特种作业操作项目必须是文字' })
		.trim()
		.regex(/^\d{1,2}(\.\d{1,2})?$/, '特种作业操作项目编号格式不正确（如 1.2）')
);

/** 'YYYY-MM-DD' that exists on the calendar. */
export function isCalendarDate(s: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
	if (!m) return false;
	const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const date = new Date(Date.UTC(y, mo - 1, d));
	return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Today's date in China (UTC+8, no daylight saving), from the server's clock. */
export function chinaDate(now: Date): string {
	return new Date(now.getTime() + 8 * 60 * 60 * 1000).toISOString().slice(0, 10);
}

export function hiredOnSchema(today: string) {
	return optionalText(
		z
			.string({ error: '入职日期格式不正确，应为 YYYY-MM-DD（如 2024-03-01）' })
			.trim()
			.refine(isCalendarDate, '入职日期格式不正确，应为 YYYY-MM-DD（如 2024-03-01）的有效日期')
			.refine((s) => !isCalendarDate(s) || s <= today, `入职日期不能晚于今天（${today}）`)
			.refine((s) => !isCalendarDate(s) || s >= EARLIEST_HIRED_ON, `入职日期不能早于 ${EARLIEST_HIRED_ON}`)
	);
}

/**
 * Cross-field rule of persons_special_op_check: a code exactly when the person is a 特种作业人员.
 * Runs whenever those two fields are valid, even if another field failed, so that a form or an
 * Excel row reports every problem at once.
 */
const SPECIAL_OP_WHEN = {
	when: (payload: { issues: readonly { path?: readonly PropertyKey[] }[] }) =>
		!payload.issues.some((i) => i.path?.[0] === 'roleCategory' || i.path?.[0] === 'specialOperationCode')
};

function checkSpecialOperation(v: { roleCategory: RoleCategory; specialOperationCode: string | null }, ctx: z.RefinementCtx) {
	if (v.roleCategory === 'special_worker' && !v.specialOperationCode) {
		ctx.addIssue({ code: 'custom', path: ['specialOperationCode'], message: '人员类别为特种作业人员时，须填写特种作业操作项目' });
	}
	if (v.roleCategory !== 'special_worker' && v.specialOperationCode) {
		ctx.addIssue({ code: 'custom', path: ['specialOperationCode'], message: '只有特种作业人员才填写特种作业操作项目，其他人员类别请留空' });
	}
}

/** A new staff member (form 新增 and every row of the Excel import). `today` is chinaDate(now). */
export function personSchema(today: string) {
	return z
		.object({
			name: personNameSchema,
			idNumber: idNumberSchema,
			mobile: mobileSchema,
			roleCategory: roleCategorySchema,
			specialOperationCode: specialOperationCodeSchema,
			position: positionSchema,
			hiredOn: hiredOnSchema(today)
		})
		.superRefine(checkSpecialOperation, SPECIAL_OP_WHEN);
}
export type PersonInput = z.infer<ReturnType<typeof personSchema>>;

/**
 * An edit. 身份证号 and 手机号 are shown masked and never sent back to the browser in full,
 * so an empty field means “unchanged”; a filled one is checked like a new one.
 */
export function personUpdateSchema(today: string) {
	return z
		.object({
			name: personNameSchema,
			idNumber: optionalText(idNumberSchema),
			mobile: optionalText(mobileSchema),
			roleCategory: roleCategorySchema,
			specialOperationCode: specialOperationCodeSchema,
			position: positionSchema,
			hiredOn: hiredOnSchema(today)
		})
		.superRefine(checkSpecialOperation, SPECIAL_OP_WHEN);
}
export type PersonUpdateInput = z.infer<ReturnType<typeof personUpdateSchema>>;

/** The fields of the person form, as strings (for re-filling the form after an error). */
export const PERSON_FORM_FIELDS = ['name', 'idNumber', 'mobile', 'roleCategory', 'specialOperationCode', 'position', 'hiredOn'] as const;
export type PersonFormValues = Partial<Record<(typeof PERSON_FORM_FIELDS)[number], string>>;

export function personFormValues(form: FormData): PersonFormValues {
	const out: PersonFormValues = {};
	for (const k of PERSON_FORM_FIELDS) {
		const v = form.get(k);
		if (typeof v === 'string') out[k] = v.slice(0, 200);
	}
	return out;
}

/** 激活账号: the person proves who they are with 身份证号 + 手机号 and chooses a password. */
export const activationSchema = z
	.object({
		idNumber: idNumberSchema,
		mobile: mobileSchema,
		code: z
			.string({ error: '请填写激活码' })
			.max(40, '激活码为8位字母和数字')
			.transform((v) => v.normalize('NFKC').toUpperCase().replace(/[\s-]/g, ''))
			.pipe(z.string().min(1, '请填写激活码（由单位管理员打印或短信发送）').regex(/^[0-9A-Z]{8}$/, '激活码为8位字母和数字')),
		next: newPasswordSchema,
		confirm: z.string({ error: '请再次输入新密码' }).max(128, '新密码最多128个字符')
	})
	.refine((v) => v.next === v.confirm, { message: '两次输入的新密码不一致', path: ['confirm'] });
