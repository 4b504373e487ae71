import { z } from 'zod';
import { answerKeys, OPTION_KEYS, type Question } from '../../question-bank/schema.ts';

// Quality rules of npm run banks:check (issue 14): giveaway patterns a test-wise candidate could
// exploit, duplicates across banks, trivia, case groups. Pure functions over parsed banks; the
// thresholds come from question-banks/quality.yaml. See question-banks/README.md.

const share = z
	.tuple([z.number().min(0).max(1), z.number().min(0).max(1)])
	.refine(([lo, hi]) => lo <= hi, '区间下限不能大于上限');
const ratio = z.number().min(0).max(1);
const count = z.number().int().min(0);

export const qualityConfigSchema = z.object({
	min_type_count: count,
	single: z.object({ key_share: share, longest_key_max: ratio }),
	multiple: z.object({
		n_minus_one_max: ratio,
		all_correct_max: ratio,
		min_distinct_counts: count,
		letter_in_key_share: share,
		min_options: count
	}),
	judge: z.object({
		true_share: share,
		absolute_words: z.string().min(1).refine(isRegex, '不是合法的正则表达式'),
		absolute_false_max: ratio,
		absolute_min_count: count
	}),
	duplicates: z.object({ similarity_max: ratio }),
	trivia: z.object({
		patterns: z.array(z.string().refine(isRegex, '不是合法的正则表达式')).min(1),
		max_ok_per_bank: count.default(2)
	}),
	cases: z.object({
		min_questions: count,
		max_questions: count,
		scenario_chars: z.tuple([count, count]).refine(([lo, hi]) => lo <= hi, '区间下限不能大于上限')
	})
});
export type QualityConfig = z.infer<typeof qualityConfigSchema>;

function isRegex(s: string): boolean {
	try {
		new RegExp(s, 'u');
		return true;
	} catch {
		return false;
	}
}

export const QUALITY_RULES = {
	singleKey: '规则1 单选题答案位置',
	multiple: '规则2 多选题答案结构',
	longest: '规则3 单选题最长选项',
	judge: '规则4 判断题答案分布',
	duplicate: '规则5 重复题',
	trivia: '规则6 死记硬背题',
	cases: '规则7 案例分析组'
} as const;
export type QualityRule = (typeof QUALITY_RULES)[keyof typeof QUALITY_RULES];

export type QualityProblem = { bank: string; id: string | null; rule: QualityRule; message: string };

export type QualityCase = { id: string; title: string; scenario: string; file: string };
export type QualityBank = { code: string; questions: (Question & { file?: string })[]; cases: QualityCase[] };

export function formatQualityProblem(p: QualityProblem): string {
	return `${p.bank}: ${p.id ?? '-'}: ${p.rule}：${p.message}`;
}

const pct = (x: number) => `${Math.round(x * 1000) / 10}%`;
const range = ([lo, hi]: readonly [number, number]) => `${pct(lo)}–${pct(hi)}`;
const idList = (qs: readonly { id: string }[]) => qs.map((q) => q.id).join('、');

/** Stem without a leading "根据《…》，" / "《…》规定，", then without whitespace and punctuation. */
export function normaliseForDuplicates(stem: string): string {
	const s = stem
		.normalize('NFKC')
		.trim()
		.replace(/^(根据|依据|依照|按照)《[^》]*》(第[^，,：:]{1,20}条)?(的)?(规定|要求)?[，,：:]/u, '')
		.replace(/^《[^》]*》(第[^，,：:]{1,20}条)?(规定|要求)[，,：:]?/u, '');
	return s.replace(/[\s\p{P}\p{S}（）《》]/gu, '').toLowerCase();
}

/** The text of the key: the keyed options' texts, or 正确/错误 for a judge item. */
export function keyText(q: Pick<Question, 'type' | 'answer' | 'options'>): string {
	if (q.type === 'judge') return q.answer === true ? '正确' : '错误';
	return answerKeys(q)
		.map((k) => q.options?.[k as keyof NonNullable<Question['options']>] ?? '')
		.join('');
}

export function bigrams(s: string): Set<string> {
	const chars = [...s];
	const out = new Set<string>();
	for (let i = 0; i + 1 < chars.length; i++) out.add(`${chars[i]}${chars[i + 1]}`);
	if (chars.length === 1) out.add(chars[0] as string);
	return out;
}

/** Sørensen–Dice coefficient of two bigram sets (1 = identical sets). */
export function dice(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
	if (!a.size && !b.size) return 1;
	let common = 0;
	const [small, large] = a.size <= b.size ? [a, b] : [b, a];
	for (const g of small) if (large.has(g)) common++;
	return (2 * common) / (a.size + b.size);
}

function optionLetters(q: Question): string[] {
	return Object.keys(q.options ?? {});
}

/** Rule 1 and rule 3: single choice key position and the longest option. */
export function checkSingle(bank: QualityBank, config: QualityConfig): QualityProblem[] {
	const items = bank.questions.filter((q) => q.type === 'single');
	if (items.length < config.min_type_count) return [];
	const out: QualityProblem[] = [];
	const [lo, hi] = config.single.key_share;
	for (const letter of OPTION_KEYS.slice(0, 4)) {
		const keyed = items.filter((q) => q.answer === letter);
		const s = keyed.length / items.length;
		if (s > hi) out.push({ bank: bank.code, id: null, rule: QUALITY_RULES.singleKey, message: `答案为 ${letter} 的单选题占 ${pct(s)}（${keyed.length}/${items.length}），应在 ${range(config.single.key_share)} 之间；请把其中一部分题目的正确选项换到其他位置：${idList(keyed)}` });
		else if (s < lo) out.push({ bank: bank.code, id: null, rule: QUALITY_RULES.singleKey, message: `答案为 ${letter} 的单选题只占 ${pct(s)}（${keyed.length}/${items.length}），应在 ${range(config.single.key_share)} 之间` });
	}
	const longest = items.filter((q) => {
		const key = q.answer as string;
		const lengths = optionLetters(q).map((k) => [k, [...(q.options?.[k as keyof NonNullable<Question['options']>] ?? '')].length] as const);
		const keyLength = lengths.find(([k]) => k === key)?.[1] ?? 0;
		return lengths.every(([k, n]) => k === key || n < keyLength);
	});
	const ls = longest.length / items.length;
	if (ls > config.single.longest_key_max) {
		out.push({ bank: bank.code, id: null, rule: QUALITY_RULES.longest, message: `正确选项是唯一最长选项的单选题占 ${pct(ls)}（${longest.length}/${items.length}），不应超过 ${pct(config.single.longest_key_max)}；请把干扰项写得一样具体：${idList(longest)}` });
	}
	return out;
}

/** Rule 2: multiple choice key structure, and at least min_options options on every item. */
export function checkMultiple(bank: QualityBank, config: QualityConfig): QualityProblem[] {
	const items = bank.questions.filter((q) => q.type === 'multiple');
	const c = config.multiple;
	const out: QualityProblem[] = [];
	for (const q of items) {
		const n = optionLetters(q).length;
		if (n < c.min_options) out.push({ bank: bank.code, id: q.id, rule: QUALITY_RULES.multiple, message: `多选题只有 ${n} 个选项，至少需要 ${c.min_options} 个（干扰项须似是而非）` });
	}
	if (items.length < config.min_type_count) return out;
	const keyCount = (q: Question) => answerKeys(q).length;
	const nMinusOne = items.filter((q) => keyCount(q) === optionLetters(q).length - 1);
	if (nMinusOne.length / items.length > c.n_minus_one_max) {
		out.push({ bank: bank.code, id: null, rule: QUALITY_RULES.multiple, message: `只有一个选项错误（n−1 个正确）的多选题占 ${pct(nMinusOne.length / items.length)}（${nMinusOne.length}/${items.length}），不应超过 ${pct(c.n_minus_one_max)}：${idList(nMinusOne)}` });
	}
	const all = items.filter((q) => keyCount(q) === optionLetters(q).length);
	if (all.length / items.length > c.all_correct_max) {
		out.push({ bank: bank.code, id: null, rule: QUALITY_RULES.multiple, message: `全部选项都正确的多选题占 ${pct(all.length / items.length)}（${all.length}/${items.length}），不应超过 ${pct(c.all_correct_max)}：${idList(all)}` });
	}
	const counts = new Set(items.map(keyCount));
	if (counts.size < c.min_distinct_counts) {
		out.push({ bank: bank.code, id: null, rule: QUALITY_RULES.multiple, message: `多选题的正确选项个数只有 ${[...counts].join('、')} 一种，至少应有 ${c.min_distinct_counts} 种` });
	}
	const [lo, hi] = c.letter_in_key_share;
	for (const letter of OPTION_KEYS.slice(0, 4)) {
		const having = items.filter((q) => optionLetters(q).includes(letter));
		if (!having.length) continue;
		const keyed = having.filter((q) => answerKeys(q).includes(letter));
		const s = keyed.length / having.length;
		if (s > hi) out.push({ bank: bank.code, id: null, rule: QUALITY_RULES.multiple, message: `有选项 ${letter} 的多选题中，${letter} 为正确答案的占 ${pct(s)}（${keyed.length}/${having.length}），应在 ${range(c.letter_in_key_share)} 之间：${idList(keyed)}` });
		else if (s < lo) out.push({ bank: bank.code, id: null, rule: QUALITY_RULES.multiple, message: `有选项 ${letter} 的多选题中，${letter} 为正确答案的只占 ${pct(s)}（${keyed.length}/${having.length}），应在 ${range(c.letter_in_key_share)} 之间：${idList(having.filter((q) => !keyed.includes(q)))}` });
	}
	return out;
}

/** Rule 4: judge items keyed true, and absolute words not always false. */
export function checkJudge(bank: QualityBank, config: QualityConfig): QualityProblem[] {
	const items = bank.questions.filter((q) => q.type === 'judge');
	const c = config.judge;
	const out: QualityProblem[] = [];
	if (items.length >= config.min_type_count) {
		const yes = items.filter((q) => q.answer === true);
		const s = yes.length / items.length;
		const [lo, hi] = c.true_share;
		if (s > hi) out.push({ bank: bank.code, id: null, rule: QUALITY_RULES.judge, message: `答案为“正确”的判断题占 ${pct(s)}（${yes.length}/${items.length}），应在 ${range(c.true_share)} 之间：${idList(yes)}` });
		else if (s < lo) out.push({ bank: bank.code, id: null, rule: QUALITY_RULES.judge, message: `答案为“正确”的判断题只占 ${pct(s)}（${yes.length}/${items.length}），应在 ${range(c.true_share)} 之间：${idList(items.filter((q) => q.answer !== true))}` });
	}
	const absolute = new RegExp(c.absolute_words, 'u');
	const withWord = items.filter((q) => absolute.test(q.stem));
	if (withWord.length >= c.absolute_min_count) {
		const no = withWord.filter((q) => q.answer === false);
		const s = no.length / withWord.length;
		if (s > c.absolute_false_max) {
			out.push({ bank: bank.code, id: null, rule: QUALITY_RULES.judge, message: `题干含绝对化用语（${c.absolute_words}）的判断题中答案为“错误”的占 ${pct(s)}（${no.length}/${withWord.length}），不应超过 ${pct(c.absolute_false_max)}（否则见“一律”就选错）：${idList(no)}` });
		}
	}
	return out;
}

/** Rule 6: keys that are dates, years, document or article numbers. */
export function checkTrivia(bank: QualityBank, config: QualityConfig): QualityProblem[] {
	const patterns = config.trivia.patterns.map((p) => new RegExp(p, 'u'));
	const out: QualityProblem[] = [];
	for (const q of bank.questions) {
		if (q.type === 'judge' || q.trivia_ok) continue;
		const keys = answerKeys(q).map((k) => q.options?.[k as keyof NonNullable<Question['options']>] ?? '');
		const hit = keys.find((t) => patterns.some((p) => p.test(t)));
		if (hit !== undefined) {
			out.push({ bank: bank.code, id: q.id, rule: QUALITY_RULES.trivia, message: `答案“${hit}”是日期、年份、文号或条款序号，考的是记忆而非义务；请改写，或在确属义务时写明 trivia_ok: <理由>` });
		}
	}
	const ok = bank.questions.filter((q) => q.trivia_ok);
	if (ok.length > config.trivia.max_ok_per_bank) {
		out.push({ bank: bank.code, id: null, rule: QUALITY_RULES.trivia, message: `${ok.length} 道题标了 trivia_ok，每个题库最多 ${config.trivia.max_ok_per_bank} 道：${idList(ok)}` });
	}
	return out;
}

/** Rule 7: a case has min–max questions, all in its file, and a scenario of the right length. */
export function checkCases(bank: QualityBank, config: QualityConfig): QualityProblem[] {
	const c = config.cases;
	const out: QualityProblem[] = [];
	const declared = new Map(bank.cases.map((k) => [k.id, k]));
	for (const k of bank.cases) {
		const members = bank.questions.filter((q) => q.case === k.id);
		if (members.length < c.min_questions || members.length > c.max_questions) {
			out.push({ bank: bank.code, id: k.id, rule: QUALITY_RULES.cases, message: `案例“${k.title}”有 ${members.length} 道题，应为 ${c.min_questions}–${c.max_questions} 道${members.length ? `：${idList(members)}` : ''}` });
		}
		const elsewhere = members.filter((q) => q.file !== undefined && q.file !== k.file);
		if (elsewhere.length) out.push({ bank: bank.code, id: k.id, rule: QUALITY_RULES.cases, message: `案例的题目必须与案例写在同一文件（${k.file}）中：${idList(elsewhere)}` });
		const chars = [...k.scenario.replace(/\s/gu, '')].length;
		const [lo, hi] = c.scenario_chars;
		if (chars < lo || chars > hi) out.push({ bank: bank.code, id: k.id, rule: QUALITY_RULES.cases, message: `案例情景有 ${chars} 个字，应为 ${lo}–${hi} 个字` });
	}
	for (const q of bank.questions) {
		if (q.case && !declared.has(q.case)) out.push({ bank: bank.code, id: q.id, rule: QUALITY_RULES.cases, message: `引用的案例 ${q.case} 未在 cases: 中声明` });
	}
	return out;
}

/** Rule 5 across all banks: identical normalised stems, and near-duplicates of stem + key text. */
export function checkDuplicates(banks: readonly QualityBank[], config: QualityConfig): QualityProblem[] {
	type Entry = { bank: string; q: Question; stem: string; grams: Set<string> };
	const entries: Entry[] = banks.flatMap((b) =>
		b.questions.map((q) => {
			const stem = normaliseForDuplicates(q.stem);
			return { bank: b.code, q, stem, grams: bigrams(stem + normaliseForDuplicates(keyText(q))) };
		})
	);
	const out: QualityProblem[] = [];
	const byStem = new Map<string, Entry>();
	for (const e of entries) {
		const first = byStem.get(e.stem);
		// identical stems inside one bank are reported by loadBanks already
		if (first && first.bank !== e.bank) out.push({ bank: e.bank, id: e.q.id, rule: QUALITY_RULES.duplicate, message: `题干与 ${first.bank} 的 ${first.q.id} 相同（去除标点、空白和开头的“根据《…》”后）` });
		else if (!first) byStem.set(e.stem, e);
	}
	// Dice ≥ t needs the smaller set to hold at least t/(2−t) of the larger one: compare only neighbours by size.
	const t = config.duplicates.similarity_max;
	const sorted = [...entries].sort((a, b) => a.grams.size - b.grams.size);
	const minRatio = t / (2 - t);
	for (let i = 0; i < sorted.length; i++) {
		const a = sorted[i] as Entry;
		for (let j = i + 1; j < sorted.length; j++) {
			const b = sorted[j] as Entry;
			if (a.grams.size < minRatio * b.grams.size) break;
			if (a.stem === b.stem) continue;
			if (a.q.same_fact && a.q.same_fact === b.q.same_fact) continue;
			const d = dice(a.grams, b.grams);
			if (d >= t) {
				const [x, y] = `${a.bank}/${a.q.id}` < `${b.bank}/${b.q.id}` ? [a, b] : [b, a];
				out.push({ bank: y.bank, id: y.q.id, rule: QUALITY_RULES.duplicate, message: `与 ${x.bank} 的 ${x.q.id} 相似度 ${d.toFixed(2)}（题干+答案，阈值 ${t}）：同一知识事实只问一次；确属同一事实的不同问法，请两题都写 same_fact: <组名>（组卷时同组只抽一道）` });
			}
		}
	}
	return out;
}

/** Every quality rule over every bank (rules 1–4, 6, 7 per bank; rule 5 across banks). */
export function checkQuality(banks: readonly QualityBank[], config: QualityConfig): QualityProblem[] {
	const out: QualityProblem[] = [];
	for (const b of banks) out.push(...checkSingle(b, config), ...checkMultiple(b, config), ...checkJudge(b, config), ...checkTrivia(b, config), ...checkCases(b, config));
	out.push(...checkDuplicates(banks, config));
	return out;
}
