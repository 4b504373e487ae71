import { z } from 'zod';
import { idField, idSchema } from './params.ts';

// Forms of the institution's exam administration: blueprints (组卷策略), sessions (场次),
// rosters and examiners' actions. The blueprint's definition itself is checked by the question
// engine's parseBlueprint; this file only turns form fields into its shape.

export const BLUEPRINT_CERTIFICATE_TYPES = ['special_work', 'principal_or_safety_manager', 'training', 'none'] as const;
export type BlueprintCertificateType = (typeof BLUEPRINT_CERTIFICATE_TYPES)[number];
export const BLUEPRINT_CERTIFICATE_LABELS: Record<BlueprintCertificateType, string> = {
	special_work: '特种作业操作证',
	principal_or_safety_manager: '主要负责人和安全生产管理人员考核',
	training: '培训合格证明',
	none: '不发证（仅练习）'
};
/** Statutory qualification exams: the national defaults (120 min / 100 / 80) apply. */
export function isStatutoryCertificate(t: string): t is 'special_work' | 'principal_or_safety_manager' {
	return t === 'special_work' || t === 'principal_or_safety_manager';
}

export const SESSION_MODE_LABELS = { online: '线上考试', exam_point: '考试点考试' } as const;
export const PAPER_MODE_LABELS = { fixed: '统一试卷（所有考生同一份）', per_candidate: '每位考生单独组卷' } as const;
export const REVIEW_POLICY_LABELS = { none: '不允许查看', score_only: '仅显示成绩', after_close: '场次结束后可查看答案与解析' } as const;
export const QUESTION_ORDER_LABELS = { none: '不打乱', within_sections: '各部分内打乱', across_sections: '全卷打乱' } as const;
export const MULTIPLE_SCORING_LABELS = { all_or_nothing: '全对才得分', partial: '少选按比例得分，错选不得分' } as const;

const text = (label: string, max: number) => z.string({ error: `请填写${label}` }).trim().min(1, `请填写${label}`).max(max, `${label}最多${max}个字符`);
const checkbox = z.preprocess((v) => v === 'on' || v === 'true' || v === true, z.boolean());
const optionalInt = (label: string) =>
	z.preprocess(
		(v) => (v === '' || v === null || v === undefined ? undefined : Number(v)),
		z.number({ error: `${label}必须是整数` }).int(`${label}必须是整数`).positive(`${label}必须是正整数`).optional()
	);

/** A blueprint section as typed into the editor (strings), before it becomes the engine's section. */
/** dbasis: '' or 'declared' (the author's difficulty) or 'empirical' (measured from responses). */
export type SectionInput = { title: string; type: string; count: string; points: string; knowledge: string; dmin: string; dmax: string; dbasis: string };

export const blueprintMetaSchema = z.object({
	name: text('组卷策略名称', 100),
	bankIds: z.array(idSchema, { error: '请至少选择一个题库' }).min(1, '请至少选择一个题库').max(20, '最多选择20个题库'),
	certificateType: z.enum(BLUEPRINT_CERTIFICATE_TYPES, { error: '请选择证书类型' }),
	examKind: z.enum(['theory', 'practical'], { error: '请选择考试类型' }),
	practiceOpen: checkbox
});

export type BlueprintFormValues = {
	name: string;
	bankIds: number[];
	certificateType: string;
	examKind: string;
	practiceOpen: boolean;
	sections: SectionInput[];
	multipleScoring: string;
	durationMinutes: string;
	totalPoints: string;
	passMark: string;
	shuffleQuestions: string;
	shuffleOptions: boolean;
};

const str = (v: FormDataEntryValue | null | undefined) => (typeof v === 'string' ? v : '');

/** The editor's fields as posted (kept to refill the form). Sections are parallel lists: section_type[i], section_count[i] … */
export function blueprintValuesFromForm(form: FormData): BlueprintFormValues {
	const types = form.getAll('section_type').map(str);
	const col = (name: string) => form.getAll(name).map(str);
	const [titles, counts, points, knowledge, dmin, dmax, dbasis] = ['section_title', 'section_count', 'section_points', 'section_knowledge', 'section_dmin', 'section_dmax', 'section_dbasis'].map(col) as string[][];
	return {
		name: str(form.get('name')),
		bankIds: form.getAll('bankIds').map((v) => Number(v)).filter((n) => Number.isInteger(n) && n > 0),
		certificateType: str(form.get('certificateType')),
		examKind: str(form.get('examKind')) || 'theory',
		practiceOpen: form.get('practiceOpen') === 'on',
		sections: types.map((type, i) => ({ type, title: titles![i] ?? '', count: counts![i] ?? '', points: points![i] ?? '', knowledge: knowledge![i] ?? '', dmin: dmin![i] ?? '', dmax: dmax![i] ?? '', dbasis: dbasis![i] ?? '' })),
		multipleScoring: str(form.get('multipleScoring')),
		durationMinutes: str(form.get('durationMinutes')),
		totalPoints: str(form.get('totalPoints')),
		passMark: str(form.get('passMark')),
		shuffleQuestions: str(form.get('shuffleQuestions')),
		shuffleOptions: form.get('shuffleOptions') === 'on'
	};
}

const num = (s: string): number | string => (s.trim() === '' ? s : Number(s.trim()));

/** The engine's raw blueprint from the editor's values; parseBlueprint reports what is wrong in Chinese. */
export function rawBlueprint(v: BlueprintFormValues): unknown {
	return {
		sections: v.sections.map((s) => {
			const out: Record<string, unknown> = { type: s.type, count: num(s.count), points: num(s.points) };
			if (s.title.trim()) out.title = s.title.trim();
			const codes = s.knowledge.split(/[\s,，、;；]+/).filter(Boolean);
			if (codes.length) out.knowledge = codes;
			if (s.dmin.trim() || s.dmax.trim()) {
				out.difficulty = [num(s.dmin || '1'), num(s.dmax || '5')];
				if (s.dbasis && s.dbasis !== 'declared') out.difficultyBasis = s.dbasis;
			}
			return out;
		}),
		multipleScoring: v.multipleScoring,
		durationMinutes: num(v.durationMinutes),
		totalPoints: num(v.totalPoints),
		passMark: num(v.passMark),
		shuffleQuestions: v.shuffleQuestions,
		shuffleOptions: v.shuffleOptions
	};
}

/** 'YYYY-MM-DDTHH:mm' in China Standard Time (UTC+8, no daylight saving) → instant. */
export function parseShanghaiLocal(value: string): Date | null {
	if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null;
	const d = new Date(`${value}:00+08:00`);
	return Number.isNaN(d.getTime()) ? null : d;
}

/** Instant → 'YYYY-MM-DDTHH:mm' for a datetime-local input in China Standard Time. */
export function toShanghaiLocal(at: Date): string {
	return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
}

const localDateTime = (label: string) =>
	z
		.string({ error: `请填写${label}` })
		.refine((v) => parseShanghaiLocal(v) !== null, `${label}格式不正确，应为“年-月-日 时:分”`)
		.transform((v) => parseShanghaiLocal(v) as Date);

export const sessionFormSchema = z
	.object({
		name: text('场次名称', 100),
		blueprintId: idField('请选择组卷策略'),
		courseId: optionalInt('课程'),
		mode: z.enum(['online', 'exam_point'], { error: '请选择考试方式' }),
		examPoint: z.string().trim().max(100, '考试点名称最多100个字符').optional().default(''),
		opensAt: localDateTime('开考时间'),
		closesAt: localDateTime('截止时间'),
		accessCode: z
			.string()
			.trim()
			.refine((v) => v === '' || /^[0-9A-Za-z]{4,12}$/.test(v), '考试口令应为4–12位字母或数字')
			.optional()
			.default(''),
		paperMode: z.enum(['fixed', 'per_candidate'], { error: '请选择组卷方式' }),
		/** 'default' = from the 补考 rule; 'unlimited'; or 1–20. */
		maxAttempts: z
			.string()
			.trim()
			.refine((v) => v === '' || v === 'default' || v === 'unlimited' || (/^\d+$/.test(v) && Number(v) >= 1 && Number(v) <= 20), '允许考试次数应为 1–20 的整数，或选择“不限次数”')
			.optional()
			.default('default'),
		requireFullscreen: checkbox,
		requireWebcam: checkbox,
		requireIdCheck: checkbox,
		allowNewDevice: checkbox,
		reviewPolicy: z.enum(['none', 'score_only', 'after_close'], { error: '请选择查看答卷的方式' }),
		examinerIds: z.array(idSchema).max(50).default([])
	})
	.superRefine((v, ctx) => {
		if (v.closesAt.getTime() <= v.opensAt.getTime()) ctx.addIssue({ code: 'custom', path: ['closesAt'], message: '截止时间必须晚于开考时间' });
		if (v.mode === 'exam_point' && !v.examPoint) ctx.addIssue({ code: 'custom', path: ['examPoint'], message: '考试点考试须填写考试点名称和地点' });
	});
export type SessionForm = z.infer<typeof sessionFormSchema>;

export function sessionValuesFromForm(form: FormData): Record<string, unknown> {
	const o: Record<string, unknown> = {};
	for (const key of ['name', 'blueprintId', 'courseId', 'mode', 'examPoint', 'opensAt', 'closesAt', 'accessCode', 'paperMode', 'maxAttempts', 'requireFullscreen', 'requireWebcam', 'requireIdCheck', 'allowNewDevice', 'reviewPolicy']) {
		const v = form.get(key);
		if (v !== null) o[key] = v;
	}
	o.examinerIds = form.getAll('examinerIds');
	return o;
}

export const rosterPasteSchema = z.object({
	idNumbers: z.string({ error: '请粘贴身份证号' }).max(40_000, '一次最多粘贴约2000个身份证号').refine((v) => v.trim().length > 0, '请粘贴身份证号，每行一个')
});

export const examinersSchema = z.object({ examinerIds: z.array(idSchema).max(50, '最多指定50名考评员') });

export const warnSchema = z.object({ message: text('警告内容', 500) });
export const extendSchema = z.object({
	minutes: z.coerce.number({ error: '延长时间必须是整数分钟' }).int('延长时间必须是整数分钟').min(1, '延长时间至少1分钟').max(120, '一次最多延长120分钟'),
	reason: text('延长原因', 500)
});
export const terminateSchema = z.object({ reason: text('终止原因', 500) });
export const decisionSchema = z.object({
	decision: z.enum(['cleared', 'warning', 'voided'], { error: '请选择复核结论' }),
	reason: text('复核理由', 500)
});
