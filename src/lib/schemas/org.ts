import { z } from 'zod';
import { checkCreditCode, CREDIT_CODE_MESSAGES } from '../domain/identifiers.ts';
import { idNumberSchema, isCalendarDate, mobileSchema, personNameSchema } from './person.ts';
import { idField } from './params.ts';
import { zodErrors } from '../forms/failure.ts';

// Forms of the organisation pages (/admin/orgs, /regulator/enterprises/new|manage). Limits match
// the database checks on `organisations` (migrations 001 and 012).

export const ORG_FORM_KINDS = ['enterprise', 'institution', 'regulator', 'government'] as const;
export type OrgFormKind = (typeof ORG_FORM_KINDS)[number];

const CONTROL = /\p{Cc}/u;
const chars = (s: string) => [...s].length;
const emptyToNull = (v: unknown) => (v === undefined || v === null || (typeof v === 'string' && v.trim() === '') ? null : v);

/** A required one-line text field of `max` characters at most (also the registration form's). */
export function requiredText(label: string, max: number) {
	return z
		.string({ error: `请填写${label}` })
		.trim()
		.min(1, `请填写${label}`)
		.refine((s) => chars(s) <= max, `${label}最多${max}个字`)
		.refine((s) => !CONTROL.test(s), `${label}不能包含换行或控制字符`);
}
const optional = <T extends z.ZodType>(inner: T) => z.preprocess(emptyToNull, inner.nullable());

/** 统一社会信用代码: spaces dropped, upper-cased; GB 32100 check character. */
export const creditCodeSchema = z
	.string({ error: '请填写统一社会信用代码' })
	.transform((s) => s.replace(/\s+/g, '').toUpperCase())
	.pipe(
		z
			.string()
			.min(1, '请填写统一社会信用代码')
			.superRefine((s, ctx) => {
				const problem = checkCreditCode(s);
				if (problem) ctx.addIssue({ code: 'custom', message: CREDIT_CODE_MESSAGES[problem] });
			})
	);

const regionCode = z.string({ error: '请选择所在区域' }).trim().min(1, '请选择所在区域').max(12, '所在区域无效');
const industryCode = z.string({ error: '请选择行业' }).trim().min(1, '请选择行业').max(40, '行业无效');
const date = (label: string) =>
	z.string({ error: `请填写${label}` }).trim().refine(isCalendarDate, `${label}应为 YYYY-MM-DD 格式的有效日期`);

const base = {
	name: requiredText('单位名称', 100),
	regionCode,
	address: optional(requiredText('地址', 200)),
	legalRep: optional(requiredText('法定代表人', 50))
};

export const enterpriseSchema = z.object({
	kind: z.literal('enterprise'),
	...base,
	creditCode: creditCodeSchema,
	industryCode,
	scale: optional(z.enum(['above', 'below'], { error: '规模应为规上或规下' })),
	standardizationLevel: optional(z.enum(['一级', '二级', '三级', '未达标'], { error: '标准化等级无效' }))
});

export const institutionSchema = z.object({ kind: z.literal('institution'), ...base, creditCode: creditCodeSchema });
export const regulatorSchema = z.object({ kind: z.literal('regulator'), ...base, creditCode: optional(creditCodeSchema) });
export const governmentSchema = z.object({
	kind: z.literal('government'),
	...base,
	creditCode: optional(creditCodeSchema),
	govType: optional(requiredText('机关类型', 30))
});

export const orgSchema = z.discriminatedUnion('kind', [enterpriseSchema, institutionSchema, regulatorSchema, governmentSchema], {
	error: '请选择单位类型'
});
export type OrgInput = z.infer<typeof orgSchema>;

/** 机构资质: scope items with the regulator that filed them and their validity. */
export const scopeSchema = z
	.object({
		scopes: z
			.array(z.string().regex(/^(principal|safety_manager|so:\d{1,2}\.\d{1,2})$/, '培训范围无效'), { error: '请选择培训范围' })
			.min(1, '请至少选择一项培训范围')
			.max(200, '培训范围过多'),
		filedWithOrgId: z.preprocess(emptyToNull, idField('备案的应急管理部门无效').nullable()),
		validFrom: date('资质生效日期'),
		validUntil: optional(date('资质有效期至'))
	})
	.refine((v) => !v.validUntil || v.validUntil >= v.validFrom, { message: '资质有效期至不能早于生效日期', path: ['validUntil'] });
export type ScopeInput = z.infer<typeof scopeSchema>;

export const suspendSchema = z.object({ reason: requiredText('停用原因', 500) });

export const orgAdminAccountSchema = z.object({
	name: personNameSchema,
	mobile: mobileSchema,
	idNumber: optional(idNumberSchema)
});
export type OrgAdminAccountInput = z.infer<typeof orgAdminAccountSchema>;

const FIELDS = ['kind', 'name', 'creditCode', 'regionCode', 'industryCode', 'address', 'legalRep', 'scale', 'standardizationLevel', 'govType'] as const;

/** The posted organisation form as plain strings (also what the page shows again after a refusal). */
export function orgValuesFromForm(form: FormData): Record<string, string> {
	const out: Record<string, string> = {};
	for (const n of FIELDS) {
		const v = form.get(n);
		if (typeof v === 'string') out[n] = v.slice(0, 500);
	}
	return out;
}

export function scopeValuesFromForm(form: FormData) {
	const one = (n: string) => {
		const v = form.get(n);
		return typeof v === 'string' ? v : undefined;
	};
	return {
		scopes: form.getAll('scopes').filter((v): v is string => typeof v === 'string'),
		filedWithOrgId: one('filedWithOrgId'),
		validFrom: one('validFrom'),
		validUntil: one('validUntil')
	};
}

/** Parses the organisation form; `kind` fixes the kind (edit pages, regulators). */
export function parseOrgForm(form: FormData, kind?: OrgFormKind) {
	const values = orgValuesFromForm(form);
	if (kind) values.kind = kind;
	const parsed = orgSchema.safeParse(values);
	return parsed.success
		? { ok: true as const, values, data: parsed.data }
		: { ok: false as const, values, errors: zodErrors(parsed.error) };
}

export function parseScopeForm(form: FormData) {
	const parsed = scopeSchema.safeParse(scopeValuesFromForm(form));
	return parsed.success ? { ok: true as const, data: parsed.data } : { ok: false as const, errors: zodErrors(parsed.error) };
}

export const REGION_LEVEL_SHORT: Record<string, string> = { city: '市', district: '区县', functional: '功能区', town: '乡镇' };
