import { z } from 'zod';
import { ROLE_CATEGORIES, roleCategoryLabel } from '../../domain/labels.ts';
import { CERTIFICATE_KINDS, CERTIFICATE_KIND_NAMES, EXAM_CERTIFICATE_TYPES, type CertificateKind } from '../../schemas/certificate-types.ts';

// A coverage target as data: period + population + requirement + goal + source document.
// The definition (population + requirement) is stored as jsonb and read by the SQL view
// coverage_evaluation (migration 006); this schema is the only way in.

export const TARGET_ORG_KINDS = ['enterprise', 'government', 'regulator', 'institution'] as const;
export { EXAM_CERTIFICATE_TYPES, CERTIFICATE_KINDS as CERTIFICATE_TYPES } from '../../schemas/certificate-types.ts';

export const ORG_KIND_NAMES: Record<(typeof TARGET_ORG_KINDS)[number], string> = {
	enterprise: '企业',
	government: '政府机关',
	regulator: '应急管理部门',
	institution: '培训机构'
};
export const CERTIFICATE_TYPE_NAMES: Record<CertificateKind, string> = CERTIFICATE_KIND_NAMES;
export const EXAM_TYPE_NAMES: Record<(typeof EXAM_CERTIFICATE_TYPES)[number], string> = {
	special_work: '特种作业考试',
	principal_or_safety_manager: '主要负责人/安全管理人员考核',
	training: '培训考核'
};

const codeList = (field: string) =>
	z.array(z.string({ error: `${field}：每一项都必须是文字代码` }).regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, `${field}：代码格式不正确`), {
		error: `${field}：必须是列表`
	});

const studySchema = z.discriminatedUnion(
	'kind',
	[
		z.object({ kind: z.literal('none') }),
		z.object({ kind: z.literal('any_course') }),
		z.object({
			kind: z.literal('courses'),
			courseCodes: codeList('要求.学习.课程').min(1, '要求.学习.课程：至少选择一门课程').max(20, '要求.学习.课程：最多 20 门')
		}),
		z.object({
			kind: z.literal('hours'),
			hours: z
				.number({ error: '要求.学习.学时：必须是数字' })
				.positive('要求.学习.学时：必须大于 0')
				.max(200, '要求.学习.学时：不能超过 200')
		})
	],
	{ error: '要求.学习.方式：只能是 无要求 / 完成任一课程 / 完成指定课程 / 达到学时' }
);

export const targetDefinitionSchema = z
	.object(
		{
			population: z.object(
				{
					orgKinds: z
						.array(z.enum(TARGET_ORG_KINDS, { error: '对象.单位类型：只能是 企业 / 政府机关 / 应急管理部门 / 培训机构' }), {
							error: '对象.单位类型：必须是列表'
						})
						.min(1, '对象.单位类型：至少选择一种'),
					roleCategories: z
						.array(z.enum(ROLE_CATEGORIES, { error: '对象.人员类别：含有未知的人员类别' }), { error: '对象.人员类别：必须是列表' })
						.min(1, '对象.人员类别：至少选择一类人员'),
					industries: codeList('对象.行业').max(30, '对象.行业：最多 30 个').default([]),
					highRisk: z.boolean({ error: '对象.高危行业：只能是 是 / 否 / 不限' }).nullable().default(null),
					scale: z.enum(['above', 'below'], { error: '对象.规模：只能是 规上 / 规下 / 不限' }).nullable().default(null)
				},
				{ error: '对象：缺少适用对象' }
			),
			requirement: z.object(
				{
					study: studySchema,
					exam: z
						.object({
							certificateTypes: z
								.array(z.enum(EXAM_CERTIFICATE_TYPES, { error: '要求.考试.类型：含有未知的考试类型' }))
								.default([])
						})
						.nullable()
						.default(null),
					certificate: z
						.object({
							types: z
								.array(z.enum(CERTIFICATE_KINDS, { error: '要求.证书.类型：含有未知的证书类型' }))
								.min(1, '要求.证书.类型：至少选择一种证书')
						})
						.nullable()
						.default(null)
				},
				{ error: '要求：缺少覆盖要求' }
			)
		},
		{ error: '目标定义必须是一个对象' }
	)
	.strict()
	.refine((d) => d.requirement.study.kind !== 'none' || d.requirement.exam !== null || d.requirement.certificate !== null, {
		message: '要求：至少要求学习、考试或证书中的一项',
		path: ['requirement']
	});

export type TargetDefinition = z.infer<typeof targetDefinitionSchema>;

const dateString = (field: string) => z.string({ error: `${field}：必须填写` }).regex(/^\d{4}-\d{2}-\d{2}$/, `${field}：格式应为 2026-12-31`).refine((s) => !Number.isNaN(Date.parse(s)), `${field}：不是有效日期`);

export const targetInputSchema = z
	.object({
		code: z.string({ error: '代码：必须填写' }).regex(/^[a-z0-9][a-z0-9-]{1,63}$/, '代码：只能用小写字母、数字和连字符（2–64 位）'),
		title: z.string({ error: '名称：必须填写' }).trim().min(1, '名称：必须填写').max(100, '名称：不能超过 100 字'),
		regionCode: z.string({ error: '区域：必须填写' }).regex(/^[0-9A-Z]{6,9}$/, '区域：代码格式不正确'),
		periodStart: dateString('周期开始'),
		periodEnd: dateString('周期结束'),
		deadline: dateString('完成时限'),
		goalPercent: z.number({ error: '目标值：必须是数字' }).gt(0, '目标值：必须大于 0').max(100, '目标值：不能超过 100'),
		definition: targetDefinitionSchema,
		sourceDoc: z.string({ error: '依据文件：必须填写' }).trim().min(1, '依据文件：必须填写').max(100, '依据文件：不能超过 100 字'),
		sourceClause: z.string({ error: '依据条款：必须填写' }).trim().min(1, '依据条款：必须填写').max(200, '依据条款：不能超过 200 字'),
		note: z.string().trim().max(500, '说明：不能超过 500 字').nullable().default(null)
	})
	.refine((t) => t.periodEnd >= t.periodStart, { message: '周期结束：不能早于周期开始', path: ['periodEnd'] })
	.refine((t) => t.deadline >= t.periodStart, { message: '完成时限：不能早于周期开始', path: ['deadline'] });

export type TargetInput = z.infer<typeof targetInputSchema>;

/** The first problem of a failed parse, as one Chinese sentence naming the field. */
export function firstProblem(error: z.ZodError): string {
	const issue = error.issues[0];
	if (!issue) return '目标定义不正确';
	const msg = issue.message;
	if (/[\u4e00-\u9fa5]/.test(msg)) return msg;
	return `${issue.path.join('.') || '目标定义'}：${msg}`;
}

/** Plain-Chinese statement of who is in the population and what they must do. */
export function describeDefinition(d: TargetDefinition, names: { industries?: Record<string, string>; courses?: Record<string, string> } = {}): { population: string; requirement: string } {
	const roles = d.population.roleCategories.map((r) => roleCategoryLabel(r)).join('、');
	const kinds = d.population.orgKinds.map((k) => ORG_KIND_NAMES[k]).join('、');
	const parts: string[] = [kinds];
	if (d.population.industries.length) parts.push(`行业：${d.population.industries.map((c) => names.industries?.[c] ?? c).join('、')}`);
	if (d.population.highRisk === true) parts.push('高危行业');
	if (d.population.highRisk === false) parts.push('非高危行业');
	if (d.population.scale) parts.push(d.population.scale === 'above' ? '规上' : '规下');
	const req: string[] = [];
	const s = d.requirement.study;
	if (s.kind === 'any_course') req.push('周期内完成至少一门培训课程');
	if (s.kind === 'courses') req.push(`周期内完成课程：${s.courseCodes.map((c) => names.courses?.[c] ?? c).join(' 或 ')}`);
	if (s.kind === 'hours') req.push(`周期内学满 ${s.hours} 学时`);
	if (d.requirement.exam) {
		const types = d.requirement.exam.certificateTypes;
		req.push(types.length ? `通过考试（${types.map((x) => EXAM_TYPE_NAMES[x]).join('或')}）` : '周期内通过考试');
	}
	if (d.requirement.certificate) req.push(`持有有效的${d.requirement.certificate.types.map((x) => CERTIFICATE_TYPE_NAMES[x]).join('或')}`);
	return { population: `${parts.join('，')}的${roles}`, requirement: req.join('，并且') };
}

export type RateStatus = 'met' | 'on_track' | 'behind' | 'overdue';

/** Rate in percent (one decimal); null when nobody is required. */
export function ratePercent(covered: number, required: number): number | null {
	if (required <= 0) return null;
	return Math.round((covered / required) * 1000) / 10;
}

/** met: rate ≥ goal; overdue: past the deadline and below goal; behind/on_track by elapsed time. */
export function rateStatus(args: { covered: number; required: number; goalPercent: number; periodStart: string; deadline: string; today: string }): RateStatus {
	const rate = ratePercent(args.covered, args.required) ?? 100;
	if (rate >= args.goalPercent) return 'met';
	if (args.today > args.deadline) return 'overdue';
	const start = Date.parse(args.periodStart);
	const end = Date.parse(args.deadline);
	const elapsed = end > start ? Math.min(1, Math.max(0, (Date.parse(args.today) - start) / (end - start))) : 1;
	return rate >= args.goalPercent * elapsed ? 'on_track' : 'behind';
}

export const RATE_STATUS_LABELS: Record<RateStatus, string> = { met: '已达标', on_track: '进度正常', behind: '进度滞后', overdue: '逾期未达标' };
