import { z } from 'zod';
import { ENTERPRISE_ROLE_CATEGORY_NAMES } from './audience.ts';

// The format of question-banks/<bank>/bank.yaml and questions/*.yaml, and of the Excel
// import. question-banks/schema/*.json are generated from these (npm run banks:schema).

export const OPTION_KEYS = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type OptionKey = (typeof OPTION_KEYS)[number];
export const QUESTION_TYPES = ['single', 'multiple', 'judge'] as const;
export type QuestionType = (typeof QUESTION_TYPES)[number];
export const QUESTION_TYPE_LABELS: Record<QuestionType, string> = { single: '单选', multiple: '多选', judge: '判断' };

const text = (field: string, max: number) =>
	z
		.string({ error: `${field}必须是文字` })
		.trim()
		.min(1, `${field}不能为空`)
		.max(max, `${field}过长（最多${max}个字符）`);

export const basisSchema = z.object({
	source: z
		.string({ error: '依据来源必须是文字' })
		.regex(/^[a-z0-9-]+$/, '依据来源应为 question-banks/sources 中的文件名（小写字母、数字和连字符）'),
	ref: text('依据条款', 200)
});

export const CASE_ID = /^[a-z0-9][a-z0-9-]*-case-\d{2,3}$/;

export const questionSchema = z
	.object({
		id: z.string({ error: '题号必须是文字' }).regex(/^[a-z0-9][a-z0-9-]{1,39}$/, '题号只能包含小写字母、数字和连字符（2–40位）'),
		type: z.enum(QUESTION_TYPES, { error: '题型必须是 single（单选）、multiple（多选）或 judge（判断）' }),
		stem: text('题干', 2000),
		options: z.partialRecord(z.enum(OPTION_KEYS, { error: '选项只能是 A–F' }), text('选项', 500)).optional(),
		answer: z.union([z.string(), z.array(z.string()), z.boolean()], { error: '缺少答案' }),
		explanation: text('解析', 3000),
		basis: z.array(basisSchema, { error: '缺少依据（basis）' }).min(1, '至少需要一条依据（basis）'),
		knowledge: z.string({ error: '缺少知识点' }).regex(/^[a-z0-9][a-z0-9.-]*$/, '知识点编号格式不正确'),
		difficulty: z.number({ error: '难度必须是 1–5 的整数' }).int('难度必须是 1–5 的整数').min(1, '难度必须是 1–5').max(5, '难度必须是 1–5'),
		/** Id of a case (案例分析组) declared under `cases:` in the same file. */
		case: z.string({ error: '案例编号（case）必须是文字' }).regex(CASE_ID, '案例编号（case）应形如 acc-case-01').optional(),
		/** Declared duplicate group: questions asking the same fact; a paper draws at most one of them. */
		same_fact: z.string({ error: '同一事实组（same_fact）必须是文字' }).regex(/^[a-z0-9][a-z0-9.-]{1,59}$/, '同一事实组（same_fact）只能包含小写字母、数字、点和连字符').optional(),
		/** Why a key that is a date or number is a duty, not trivia (rule 6). */
		trivia_ok: text('trivia_ok 理由', 200).optional()
	})
	.superRefine((q, ctx) => {
		const keys = Object.keys(q.options ?? {});
		if (q.type === 'judge') {
			if (keys.length) ctx.addIssue({ code: 'custom', path: ['options'], message: '判断题不应有选项' });
			if (typeof q.answer !== 'boolean') ctx.addIssue({ code: 'custom', path: ['answer'], message: '判断题的答案必须是 true（正确）或 false（错误）' });
			return;
		}
		const expected = OPTION_KEYS.slice(0, keys.length);
		if (keys.length < 2) ctx.addIssue({ code: 'custom', path: ['options'], message: '选择题至少需要2个选项' });
		else if (keys.join() !== expected.join()) ctx.addIssue({ code: 'custom', path: ['options'], message: `选项须从A起连续排列（应为 ${expected.join('、')}）` });
		const answers = typeof q.answer === 'string' ? [q.answer] : Array.isArray(q.answer) ? q.answer : null;
		if (!answers) {
			ctx.addIssue({ code: 'custom', path: ['answer'], message: '选择题的答案必须是选项字母' });
			return;
		}
		for (const a of answers) {
			if (!keys.includes(a)) ctx.addIssue({ code: 'custom', path: ['answer'], message: `答案“${a}”不在选项中` });
		}
		if (new Set(answers).size !== answers.length) ctx.addIssue({ code: 'custom', path: ['answer'], message: '答案中有重复的字母' });
		if (q.type === 'single' && (typeof q.answer !== 'string' || answers.length !== 1)) {
			ctx.addIssue({ code: 'custom', path: ['answer'], message: '单选题只能有一个答案' });
		}
		if (q.type === 'multiple' && (!Array.isArray(q.answer) || answers.length < 2)) {
			ctx.addIssue({ code: 'custom', path: ['answer'], message: '多选题至少需要2个正确答案' });
		}
	});
export type Question = z.infer<typeof questionSchema>;
/** A question version as stored: a case member carries its case's title and scenario, so the version shows what was read. */
export type StoredQuestion = Question & { case_title?: string; case_scenario?: string };

export type KnowledgePoint = { id: string; name: string; children?: KnowledgePoint[] };
export const knowledgePointSchema: z.ZodType<KnowledgePoint> = z.lazy(() =>
	z.object({
		id: z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, '知识点编号格式不正确'),
		name: text('知识点名称', 100),
		children: z.array(knowledgePointSchema).optional()
	})
);

export const bankSchema = z.object({
	code: z.string().regex(/^[a-z0-9][a-z0-9-]{1,39}$/, '题库代码只能包含小写字母、数字和连字符'),
	name: text('题库名称', 100),
	industry: z.string().nullable(),
	audience: z.array(z.enum(ENTERPRISE_ROLE_CATEGORY_NAMES, { error: '适用人员类别不正确' })).min(1, '至少指定一类适用人员'),
	sources: z.array(z.string()).min(1, '至少列出一个依据来源'),
	knowledge: z.array(knowledgePointSchema).min(1, '至少需要一个知识点')
});
export type Bank = z.infer<typeof bankSchema>;

/** A case-analysis group (案例分析): one scenario shown once above its 3–5 questions. */
export const caseSchema = z.object({
	id: z.string({ error: '案例编号（id）必须是文字' }).regex(CASE_ID, '案例编号（id）应形如 acc-case-01'),
	title: text('案例标题', 100),
	scenario: text('案例情景', 2000)
});
export type QuestionCase = z.infer<typeof caseSchema>;

export const questionFileSchema = z.object({ cases: z.array(z.unknown()).optional(), questions: z.array(z.unknown()) });

export function flattenKnowledge(points: KnowledgePoint[], parent: string | null = null, out: { id: string; name: string; parent: string | null }[] = []) {
	for (const p of points) {
		out.push({ id: p.id, name: p.name, parent });
		if (p.children) flattenKnowledge(p.children, p.id, out);
	}
	return out;
}

/** Answer as a sorted list of letters, or ['true'] / ['false'] for judge items. */
export function answerKeys(q: Pick<Question, 'answer'>): string[] {
	if (typeof q.answer === 'boolean') return [String(q.answer)];
	return (Array.isArray(q.answer) ? [...q.answer] : [q.answer]).sort();
}

/** Stem with punctuation and whitespace removed, for duplicate detection. */
export function normaliseStem(stem: string): string {
	return stem.normalize('NFKC').replace(/[\s\p{P}\p{S}]/gu, '').toLowerCase();
}

/** A case-analysis header for one question of a paper: the scenario, and where its run of questions starts and ends (1-based positions). */
export type CaseHeader = { id: string; title: string; scenario: string; first: boolean; from: number; to: number };

/**
 * Case headers of a paper in display order: members of one case are consecutive (drawPaper keeps
 * them so); the first of a run shows the scenario, the others refer to it.
 */
export function caseHeaders(questions: readonly (Pick<StoredQuestion, 'case' | 'case_title' | 'case_scenario'> | undefined)[]): (CaseHeader | undefined)[] {
	const out: (CaseHeader | undefined)[] = [];
	let i = 0;
	while (i < questions.length) {
		const q = questions[i];
		if (!q?.case || !q.case_scenario) {
			out.push(undefined);
			i++;
			continue;
		}
		let j = i;
		while (j + 1 < questions.length && questions[j + 1]?.case === q.case) j++;
		for (let k = i; k <= j; k++) out.push({ id: q.case, title: q.case_title ?? '', scenario: q.case_scenario, first: k === i, from: i + 1, to: j + 1 });
		i = j + 1;
	}
	return out;
}
