import { describe, expect, it } from 'vitest';
import { loadBanks, loadQualityConfig } from './files.ts';
import { bigrams, checkQuality, dice, normaliseForDuplicates, QUALITY_RULES, qualityConfigSchema, type QualityBank, type QualityConfig, type QualityRule } from './quality.ts';

// The thresholds are the real ones (question-banks/quality.yaml); the fixture banks
// (tests/fixtures/banks-giveaway, written by its generate.py) each break exactly one rule.

const { config: loaded, problems: configProblems } = loadQualityConfig('question-banks');
const config = loaded as QualityConfig;
const fixtures = loadBanks('tests/fixtures/banks-giveaway');
const fixtureBank = (code: string): QualityBank => {
	const b = fixtures.banks.find((x) => x.bank.code === code);
	if (!b) throw new Error(`fixture bank ${code} missing`);
	return { code, questions: b.questions, cases: b.cases };
};
const rulesOf = (banks: QualityBank[]) => [...new Set(checkQuality(banks, config).map((p) => p.rule))];

describe('quality.yaml', () => {
	it('parses with the thresholds of issue 14', () => {
		expect(configProblems).toEqual([]);
		expect(config.min_type_count).toBe(20);
		expect(config.single.key_share).toEqual([0.13, 0.37]);
		expect(config.single.longest_key_max).toBe(0.35);
		expect(config.multiple).toMatchObject({ n_minus_one_max: 0.35, all_correct_max: 0.05, min_distinct_counts: 2, letter_in_key_share: [0.3, 0.85], min_options: 4 });
		expect(config.judge).toMatchObject({ true_share: [0.35, 0.65], absolute_false_max: 0.75, absolute_min_count: 6 });
		expect(config.duplicates.similarity_max).toBe(0.8);
		expect(config.cases).toEqual({ min_questions: 3, max_questions: 5, scenario_chars: [80, 400] });
	});

	it('rejects a bad threshold file', () => {
		expect(qualityConfigSchema.safeParse({ ...config, single: { key_share: [0.5, 0.2], longest_key_max: 2 } }).success).toBe(false);
		expect(qualityConfigSchema.safeParse({ ...config, judge: { ...config.judge, absolute_words: '(' } }).success).toBe(false);
	});
});

describe('giveaway fixtures', () => {
	it('load without format problems', () => {
		expect(fixtures.problems).toEqual([]);
	});

	it('the clean control bank passes every rule', () => {
		expect(checkQuality([fixtureBank('clean')], config)).toEqual([]);
	});

	const cases: [string, QualityRule][] = [
		['g-single-key', QUALITY_RULES.singleKey],
		['g-single-longest', QUALITY_RULES.longest],
		['g-multiple-n-minus-one', QUALITY_RULES.multiple],
		['g-multiple-all-correct', QUALITY_RULES.multiple],
		['g-multiple-one-count', QUALITY_RULES.multiple],
		['g-multiple-three-options', QUALITY_RULES.multiple],
		['g-judge-true', QUALITY_RULES.judge],
		['g-judge-absolute', QUALITY_RULES.judge],
		['g-trivia', QUALITY_RULES.trivia],
		['g-case', QUALITY_RULES.cases]
	];
	it.each(cases)('%s fails %s and nothing else', (code, rule) => {
		expect(rulesOf([fixtureBank(code)])).toEqual([rule]);
	});

	it('each giveaway names what is wrong', () => {
		const text = (code: string) => checkQuality([fixtureBank(code)], config).map((p) => p.message).join('\n');
		expect(text('g-single-key')).toMatch(/答案为 A 的单选题占 100%/);
		expect(text('g-multiple-all-correct')).toMatch(/全部选项都正确/);
		expect(text('g-multiple-n-minus-one')).toMatch(/只有一个选项错误/);
		expect(text('g-multiple-one-count')).toMatch(/正确选项个数只有 2 一种/);
		expect(text('g-judge-absolute')).toMatch(/绝对化用语/);
		const three = checkQuality([fixtureBank('g-multiple-three-options')], config);
		expect(three.map((p) => p.id)).toEqual(['gmultiplethr-0021']);
		const trivia = checkQuality([fixtureBank('g-trivia')], config);
		expect(trivia.map((p) => p.id)).toEqual(['gtrivia-0001']);
		const cases = checkQuality([fixtureBank('g-case')], config);
		expect(cases.map((p) => p.message).join('\n')).toMatch(/有 2 道题，应为 3–5 道[\s\S]*情景有 30 个字/);
	});

	it('duplicates across banks: identical stem behind 根据《…》 and a near-duplicate fail; a declared same_fact pair does not', () => {
		const found = checkQuality([fixtureBank('g-dup-a'), fixtureBank('g-dup-b')], config);
		expect(found.every((p) => p.rule === QUALITY_RULES.duplicate)).toBe(true);
		expect(found.map((p) => `${p.bank}/${p.id}`).sort()).toEqual(['g-dup-b/gdupb-0001', 'g-dup-b/gdupb-0002']);
		expect(found[0]?.message).toMatch(/g-dup-a 的 gdupa-0001/);
	});

	it('the fixture banks do not duplicate one another (fresh text per bank)', () => {
		const all = fixtures.banks.filter((b) => !b.bank.code.startsWith('g-dup')).map((b) => ({ code: b.bank.code, questions: b.questions, cases: b.cases }));
		expect(checkQuality(all, config).filter((p) => p.rule === QUALITY_RULES.duplicate)).toEqual([]);
	});
});

describe('normalisation and similarity', () => {
	it('drops a leading 根据《…》， / 《…》规定， and punctuation', () => {
		const bare = normaliseForDuplicates('生产经营单位的主要负责人是本单位安全生产（ ）。');
		expect(normaliseForDuplicates('根据《中华人民共和国安全生产法》，生产经营单位的主要负责人是本单位安全生产（  ）')).toBe(bare);
		expect(normaliseForDuplicates('《安全生产法》规定，生产经营单位的主要负责人 是本单位安全生产（ ）。')).toBe(bare);
		expect(bare).toBe('生产经营单位的主要负责人是本单位安全生产');
	});
	it('bigram Dice', () => {
		expect(dice(bigrams('安全生产'), bigrams('安全生产'))).toBe(1);
		expect(dice(bigrams('安全生产'), bigrams('应急救援'))).toBe(0);
		expect(dice(bigrams('abcd'), bigrams('abce'))).toBeCloseTo(2 / 3);
	});
});

// Fails until the reworked and new banks (issue 14, h6–h8) land; thresholds are never lowered to pass it.
describe('the repository banks', () => {
	it('pass every quality rule', () => {
		const { banks, problems } = loadBanks('question-banks');
		expect(problems).toEqual([]);
		const found = checkQuality(banks.map((b) => ({ code: b.bank.code, questions: b.questions, cases: b.cases })), config);
		expect(found.map((p) => `${p.bank}: ${p.id ?? '-'}: ${p.rule}：${p.message.slice(0, 80)}`)).toEqual([]);
	});
});
