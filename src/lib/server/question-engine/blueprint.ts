import { z } from 'zod';
import { QUESTION_TYPE_LABELS, QUESTION_TYPES, type QuestionType } from '#lib/question-bank/schema.ts';
import { maxSupply, type SupplyGroup } from './supply.ts';

// A blueprint (组卷策略) says what a paper is made of; drawPaper turns it into one candidate's paper.

/**
 * National defaults for safety qualification exams (安全生产知识考试): 120 minutes, 100 points,
 * 80 to pass — 《安全生产资格考试与证书管理暂行办法》第九条第二款 (FACTS §3). As read, 第九条 is about
 * 特种作业 knowledge and practical exams; for 主要负责人/安全生产管理人员 the same 100/80 is local
 * practice (FACTS §5, secondary). "80分以上" includes 80, hence passed = score >= passMark.
 * The figures under 19号令 (from 2026-06-01) were not found (FACTS §4).
 */
export const QUALIFICATION_EXAM_DEFAULTS = {
	durationMinutes: 120,
	totalPoints: 100,
	passMark: 80,
	basisDoc: '《安全生产资格考试与证书管理暂行办法》（原国家安全监管总局，2013）',
	basisArticle: '第九条第二款',
	status: 'verified',
	note: '“考试时间为120分钟，满分为100分，80分以上为合格”；应急管理部令第19号施行后的分值与时长未查到原文（FACTS §4）。'
} as const;

export const MULTIPLE_SCORING = ['all_or_nothing', 'partial'] as const;
/**
 * How a multiple-choice question is scored.
 * - all_or_nothing: the full points when exactly the keyed options are chosen, else 0.
 * - partial: any option chosen that is not keyed → 0; otherwise points × (keyed options chosen ÷ keyed
 *   options), so choosing 2 of 3 correct options on a 3-point question earns 2.
 */
export type MultipleScoring = (typeof MULTIPLE_SCORING)[number];

/** none: sections in order, questions in question-id order; within_sections: shuffled inside each section; across_sections: all questions mixed. */
export const QUESTION_ORDERS = ['none', 'within_sections', 'across_sections'] as const;

/** declared: the difficulty written with the question; empirical: measured from responses (item_stats). */
export const DIFFICULTY_BASES = ['declared', 'empirical'] as const;

const KNOWLEDGE_CODE = /^[a-z0-9][a-z0-9.-]*$/;

function hasAtMostTwoDecimals(x: number): boolean {
	return Math.abs(Math.round(x * 100) - x * 100) < 1e-6;
}

/** Rounds to 2 decimals (points are in hundredths at most); keeps sums of 0.1 + 0.2 honest. */
export function roundPoints(x: number): number {
	return Math.round((x + Number.EPSILON) * 100) / 100;
}

const points = (field: string) =>
	z
		.number({ error: `${field}必须是数字` })
		.positive(`${field}必须大于0`)
		.max(1000, `${field}不能超过1000`)
		.refine(hasAtMostTwoDecimals, `${field}最多保留两位小数`);

const difficulty = z.number({ error: '难度范围（difficulty）应为 1–5 的整数' }).int('难度范围（difficulty）应为 1–5 的整数').min(1, '难度范围（difficulty）应为 1–5 的整数').max(5, '难度范围（difficulty）应为 1–5 的整数');

export const sectionSchema = z.object({
	title: z.string({ error: '部分标题（title）必须是文字' }).trim().min(1, '部分标题（title）不能为空').max(50, '部分标题（title）最多50个字符').optional(),
	type: z.enum(QUESTION_TYPES, { error: '题型（type）必须是 single（单选）、multiple（多选）或 judge（判断）' }),
	count: z.number({ error: '题量（count）必须是正整数' }).int('题量（count）必须是正整数').min(1, '题量（count）至少为1').max(500, '题量（count）不能超过500'),
	points: points('每题分值（points）'),
	/** Knowledge-point codes; a code also matches its descendants: ch2 matches ch2 and ch2.training, not ch20. */
	knowledge: z
		.array(z.string({ error: '知识点（knowledge）必须是知识点编号' }).regex(KNOWLEDGE_CODE, '知识点（knowledge）编号格式不正确'), { error: '知识点（knowledge）应为知识点编号列表' })
		.min(1, '知识点（knowledge）不能为空列表；不限知识点时请省略该项')
		.optional(),
	/**
	 * Which difficulty `difficulty` selects on: the author's declared 1–5 (default) or the empirical
	 * one from candidates' responses (a question without enough responses yet counts as declared).
	 */
	difficultyBasis: z.enum(DIFFICULTY_BASES, { error: '难度依据（difficultyBasis）必须是 declared（标注难度）或 empirical（实测难度）' }).optional(),
	/** Inclusive range on the question's 1–5 difficulty. */
	difficulty: z
		.tuple([difficulty, difficulty], { error: '难度范围（difficulty）应为 [最低, 最高]，例如 [2, 3]' })
		.refine(([min, max]) => min <= max, '难度范围（difficulty）的最低值不能大于最高值')
		.optional()
});
export type BlueprintSection = z.infer<typeof sectionSchema>;

export const blueprintSchema = z
	.object({
		sections: z.array(sectionSchema, { error: '组卷策略缺少部分列表（sections）' }).min(1, '组卷策略至少需要一个部分（sections）').max(50, '组卷策略最多50个部分（sections）'),
		multipleScoring: z.enum(MULTIPLE_SCORING, { error: '多选题计分方式（multipleScoring）必须是 all_or_nothing（全对才得分）或 partial（少选按比例得分，错选不得分）' }),
		durationMinutes: z
			.number({ error: '考试时长（durationMinutes）必须是整数分钟' })
			.int('考试时长（durationMinutes）必须是整数分钟')
			.min(1, '考试时长（durationMinutes）至少1分钟')
			.max(600, '考试时长（durationMinutes）不能超过600分钟'),
		totalPoints: points('总分'),
		passMark: points('合格分数（passMark）'),
		shuffleQuestions: z.enum(QUESTION_ORDERS, { error: '试题顺序（shuffleQuestions）必须是 none（不打乱）、within_sections（部分内打乱）或 across_sections（全卷打乱）' }),
		shuffleOptions: z.boolean({ error: '选项乱序（shuffleOptions）必须是 true 或 false' })
	})
	.superRefine((b, ctx) => {
		const sum = roundPoints(b.sections.reduce((s, x) => s + x.count * x.points, 0));
		if (sum !== roundPoints(b.totalPoints)) {
			ctx.addIssue({ code: 'custom', path: ['totalPoints'], message: `总分为 ${b.totalPoints}，但各部分题量×每题分值合计为 ${sum}` });
		}
		if (b.passMark > b.totalPoints) {
			ctx.addIssue({ code: 'custom', path: ['passMark'], message: `合格分数 ${b.passMark} 不能高于总分 ${b.totalPoints}` });
		}
	});
export type Blueprint = z.infer<typeof blueprintSchema>;

export type BlueprintParse = { ok: true; blueprint: Blueprint } | { ok: false; problems: string[] };

/** Parses a blueprint; problems inside a section are prefixed "第N部分：". */
export function parseBlueprint(raw: unknown): BlueprintParse {
	const parsed = blueprintSchema.safeParse(raw);
	if (parsed.success) return { ok: true, blueprint: parsed.data };
	const problems = parsed.error.issues.map((issue) => {
		const [first, index] = issue.path;
		return first === 'sections' && typeof index === 'number' ? `第${index + 1}部分：${issue.message}` : issue.message;
	});
	return { ok: false, problems: [...new Set(problems)] };
}

/** What the engine needs to know of a question to draw it; one entry per question (its current version). */
export type PoolItem = {
	questionId: string;
	version: number;
	type: QuestionType;
	knowledge: string;
	difficulty: number;
	optionKeys: readonly string[];
	/** Set for items whose options refer to each other ("以上都对"): never shuffle their options. */
	keepOptionOrder?: boolean;
	/** Questions sharing a duplicate group (declared same_fact or the same normalised stem): a paper holds at most one of them. */
	duplicateGroup?: string;
	/** Members of one case-analysis group: drawn together or not at all, consecutive in the paper. */
	caseKey?: string;
	/** 1–5 from item statistics, once the question has enough responses (see empirical-difficulty.ts). */
	empiricalDifficulty?: number;
};

export function knowledgeMatches(codes: readonly string[], knowledge: string): boolean {
	return codes.some((c) => knowledge === c || (knowledge.startsWith(c) && knowledge[c.length] === '.'));
}

export function sectionAccepts(section: BlueprintSection, item: Pick<PoolItem, 'type' | 'knowledge' | 'difficulty' | 'empiricalDifficulty'>): boolean {
	if (item.type !== section.type) return false;
	if (section.knowledge && !knowledgeMatches(section.knowledge, item.knowledge)) return false;
	if (section.difficulty) {
		const d = section.difficultyBasis === 'empirical' ? (item.empiricalDifficulty ?? item.difficulty) : item.difficulty;
		if (d < section.difficulty[0] || d > section.difficulty[1]) return false;
	}
	return true;
}

/** "知识点 kp-3、难度 2–3 的多选题" */
export function describeSection(section: BlueprintSection): string {
	const parts: string[] = [];
	if (section.knowledge) parts.push(`知识点 ${section.knowledge.join(' 或 ')}`);
	if (section.difficulty) {
		const [min, max] = section.difficulty;
		const label = section.difficultyBasis === 'empirical' ? '实测难度' : '难度';
		parts.push(min === max ? `${label} ${min}` : `${label} ${min}–${max}`);
	}
	const type = `${QUESTION_TYPE_LABELS[section.type]}题`;
	return parts.length ? `${parts.join('、')} 的${type}` : type;
}

/** The pool in (questionId, version) order, so the order rows arrive in never changes a paper. */
export function canonicalPool(pool: readonly PoolItem[]): PoolItem[] {
	return [...pool].sort((a, b) => (a.questionId < b.questionId ? -1 : a.questionId > b.questionId ? 1 : a.version - b.version));
}

/** Questions offered in more than one version: a paper pins one version per question, so the pool must hold one. */
export function duplicatePoolProblems(pool: readonly PoolItem[]): string[] {
	const versions = new Map<string, number[]>();
	for (const item of pool) {
		const v = versions.get(item.questionId);
		if (v) v.push(item.version);
		else versions.set(item.questionId, [item.version]);
	}
	return [...versions]
		.filter(([, v]) => v.length > 1)
		.map(([id, v]) => `题库中题目 ${id} 出现了 ${v.length} 次（版本 ${v.sort((a, b) => a - b).join('、')}），每道题只能提供一个版本`);
}

/** For each pool item, the indices of the sections it fits. */
export function sectionsFitting(sections: readonly BlueprintSection[], pool: readonly PoolItem[]): number[][] {
	return pool.map((item) => {
		const fits: number[] = [];
		sections.forEach((s, j) => {
			if (sectionAccepts(s, item)) fits.push(j);
		});
		return fits;
	});
}

/** Groups questions by the set of sections they fit (see supply.ts); the key is the indices joined by commas. */
export function supplyGroups(fits: readonly (readonly number[])[]): Map<string, SupplyGroup> {
	const groups = new Map<string, SupplyGroup>();
	for (const f of fits) {
		if (!f.length) continue;
		const key = f.join(',');
		const g = groups.get(key);
		if (g) g.available++;
		else groups.set(key, { sections: f, available: 1 });
	}
	return groups;
}

/** One question per duplicate group (the first in canonical order): a paper can hold only one of them. */
export function onePerDuplicateGroup(pool: readonly PoolItem[]): PoolItem[] {
	const seen = new Set<string>();
	return canonicalPool(pool).filter((item) => {
		if (!item.duplicateGroup) return true;
		if (seen.has(item.duplicateGroup)) return false;
		seen.add(item.duplicateGroup);
		return true;
	});
}

/** Why this pool cannot supply every section of the blueprint (empty when it can). A duplicate group counts once. */
export function checkBlueprintAgainstPool(blueprint: Blueprint, fullPool: readonly PoolItem[]): string[] {
	const problems = duplicatePoolProblems(fullPool);
	const pool = fullPool.some((i) => i.duplicateGroup) ? onePerDuplicateGroup(fullPool) : fullPool;
	const { sections } = blueprint;
	const fits = sectionsFitting(sections, pool);
	const available = sections.map(() => 0);
	for (const f of fits) for (const j of f) available[j] = (available[j] as number) + 1;
	sections.forEach((s, j) => {
		const have = available[j] as number;
		if (have >= s.count) return;
		problems.push(
			have === 0
				? `第${j + 1}部分：题库中没有${describeSection(s)}，需要 ${s.count} 道`
				: `第${j + 1}部分：${describeSection(s)}只有 ${have} 道，需要 ${s.count} 道`
		);
	});
	// Each section alone may be supplied while sections sharing questions are not, together.
	// Sections already reported short are asked only for what exists, so they are not reported twice.
	const demand = sections.map((s, j) => Math.min(s.count, available[j] as number));
	const supply = maxSupply([...supplyGroups(fits).values()], demand);
	if (supply.supplied < supply.demanded) {
		const short = supply.shortSections;
		const need = short.reduce((sum, j) => sum + (demand[j] as number), 0);
		const fit = fits.filter((f) => f.some((j) => short.includes(j))).length;
		problems.push(
			`第${short.map((j) => j + 1).join('、')}部分的条件有重叠：合计需要 ${need} 道题，但符合其中任一部分条件的题目只有 ${fit} 道（同一道题在一份试卷中只出现一次）`
		);
	}
	return problems;
}

/**
 * Duplicate groups of a pool: questions sharing a declared same_fact or an identical normalised
 * stem (across banks, e.g. a platform bank and a bank derived from it) are one group, transitively.
 * Returns the group key (its smallest question id) of every question that has company.
 */
export function duplicateGroupsOf(items: readonly { questionId: string; sameFact: string | null; stemKey: string | null }[]): Map<string, string> {
	const parent = new Map<string, string>();
	const find = (x: string): string => {
		let root = x;
		while (parent.get(root) !== root) root = parent.get(root) as string;
		parent.set(x, root);
		return root;
	};
	const union = (a: string, b: string) => {
		const [ra, rb] = [find(a), find(b)];
		if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
	};
	const firstByKey = new Map<string, string>();
	for (const item of items) {
		parent.set(item.questionId, item.questionId);
		for (const key of [item.sameFact ? `fact:${item.sameFact}` : null, item.stemKey ? `stem:${item.stemKey}` : null]) {
			if (!key) continue;
			const first = firstByKey.get(key);
			if (first === undefined) firstByKey.set(key, item.questionId);
			else union(first, item.questionId);
		}
	}
	const size = new Map<string, number>();
	for (const item of items) size.set(find(item.questionId), (size.get(find(item.questionId)) ?? 0) + 1);
	const out = new Map<string, string>();
	for (const item of items) {
		const root = find(item.questionId);
		if ((size.get(root) ?? 0) > 1) out.set(item.questionId, root);
	}
	return out;
}
