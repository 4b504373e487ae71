import { describe, expect, it } from 'vitest';
import { analyseItems, type ItemResponseRow } from './item-analysis.ts';
import { shuffle } from './random.ts';
import { createRng } from './random.ts';

// Ten finished attempts, totals 95, 90, … 50.
const SCORES: Record<string, number> = { a01: 95, a02: 90, a03: 85, a04: 80, a05: 75, a06: 70, a07: 65, a08: 60, a09: 55, a10: 50 };

// q-single (answer B): right for a01 a02 a04 a05 a07; a03 and a08 chose C, a06 chose A, a09 left it blank, a10 chose D.
const SINGLE_CHOICES: Record<string, string[]> = { a01: ['B'], a02: ['B'], a03: ['C'], a04: ['B'], a05: ['B'], a06: ['A'], a07: ['B'], a08: ['C'], a09: [], a10: ['D'] };
// q-judge (answer true): right only for the five lowest totals.
const JUDGE_RIGHT = new Set(['a06', 'a07', 'a08', 'a09', 'a10']);

const ROWS: ItemResponseRow[] = Object.entries(SCORES).flatMap(([attemptId, attemptScore]) => [
	{ attemptId, attemptScore, questionId: 'q-single', version: 1, chosen: SINGLE_CHOICES[attemptId]!, correct: SINGLE_CHOICES[attemptId]!.join() === 'B' },
	{ attemptId, attemptScore, questionId: 'q-judge', version: 2, chosen: [JUDGE_RIGHT.has(attemptId) ? 'true' : 'false'], correct: JUDGE_RIGHT.has(attemptId) }
]);

describe('analyseItems on a hand-computed dataset', () => {
	const [judge, single] = analyseItems(ROWS, { optionKeys: new Map([['q-single@1', ['A', 'B', 'C', 'D', 'E']]]) });

	it('computes facility, the 27% groups and D', () => {
		// n = 10, 5 right → p = 0.5. Groups: round(0.27 × 10) = 3.
		// Upper a01 a02 a03: 2 right → 2/3; lower a08 a09 a10: 0 right → 0; D = 2/3.
		expect(single).toMatchObject({ questionId: 'q-single', version: 1, responses: 10, unanswered: 1, facility: 0.5, groupSize: 3 });
		expect(single!.upperFacility).toBeCloseTo(0.6667, 4);
		expect(single!.lowerFacility).toBe(0);
		expect(single!.discrimination).toBeCloseTo(0.6667, 4);
	});

	it('computes the point-biserial correlation', () => {
		// Mean of the right (95, 90, 80, 75, 65) = 81; of the wrong (85, 70, 60, 55, 50) = 64.
		// Population SD of all ten: deviations from 72.5 are ±22.5, ±17.5, ±12.5, ±7.5, ±2.5;
		// squares sum to 2 × 1031.25 = 2062.5; ÷ 10 = 206.25; √ = 14.3614.
		// r = (81 − 64) ÷ 14.3614 × √(0.5 × 0.5) = 17 ÷ 14.3614 × 0.5 = 0.5919.
		expect(single!.pointBiserial).toBeCloseTo(0.5919, 4);
	});

	it('counts option choices overall and in each group, listing options nobody chose', () => {
		expect(single!.options).toEqual([
			{ option: 'A', count: 1, proportion: 0.1, upper: 0, lower: 0 },
			{ option: 'B', count: 5, proportion: 0.5, upper: 2, lower: 0 },
			{ option: 'C', count: 2, proportion: 0.2, upper: 1, lower: 1 },
			{ option: 'D', count: 1, proportion: 0.1, upper: 0, lower: 1 },
			{ option: 'E', count: 0, proportion: 0, upper: 0, lower: 0 }
		]);
	});

	it('shows an item the weaker candidates get right as negatively discriminating', () => {
		// Upper 0/3, lower 3/3 → D = −1. Mean right (70 … 50) = 60, wrong (95 … 75) = 85;
		// r = (60 − 85) ÷ 14.3614 × 0.5 = −0.8704.
		expect(judge).toMatchObject({ questionId: 'q-judge', version: 2, facility: 0.5, upperFacility: 0, lowerFacility: 1, discrimination: -1 });
		expect(judge!.pointBiserial).toBeCloseTo(-0.8704, 4);
		expect(judge!.options).toEqual([
			{ option: 'false', count: 5, proportion: 0.5, upper: 3, lower: 0 },
			{ option: 'true', count: 5, proportion: 0.5, upper: 0, lower: 3 }
		]);
	});

	it('flags too_few_responses only, below the minimum of 20', () => {
		expect(single!.flags).toEqual(['too_few_responses']);
		expect(judge!.flags).toEqual(['too_few_responses']);
		const [j, s] = analyseItems(ROWS, { minResponses: 10 });
		expect(s!.flags).toEqual([]);
		expect(j!.flags).toEqual(['negative_discrimination']);
	});

	it('does not depend on the order rows arrive in', () => {
		expect(analyseItems(shuffle(ROWS, createRng('rows')))).toEqual(analyseItems(ROWS));
	});
});

describe('analyseItems flags (20 attempts, totals 100 … 81)', () => {
	const attempts = Array.from({ length: 20 }, (_, i) => ({ attemptId: `a${String(i + 1).padStart(2, '0')}`, attemptScore: 100 - i, rank: i + 1 }));
	const item = (questionId: string, right: (rank: number) => boolean): ItemResponseRow[] =>
		attempts.map(({ attemptId, attemptScore, rank }) => ({ attemptId, attemptScore, questionId, version: 1, chosen: [right(rank) ? 'A' : 'B'], correct: right(rank) }));

	const stats = analyseItems([
		...item('easy', () => true),
		...item('hard', (rank) => rank === 1 || rank === 11),
		...item('flat', (rank) => rank >= 6 && rank <= 15)
	]);
	const byId = Object.fromEntries(stats.map((s) => [s.questionId, s]));

	it('flags an item everyone gets right as too easy and not discriminating', () => {
		// p = 1 > 0.9; groups of round(5.4) = 5, both all right → D = 0; r_pb undefined when p = 1.
		expect(byId.easy).toMatchObject({ responses: 20, facility: 1, groupSize: 5, discrimination: 0, pointBiserial: null, flags: ['too_easy', 'low_discrimination'] });
	});

	it('flags an item 2 in 20 get right as too hard', () => {
		// p = 0.1 < 0.2; upper (ranks 1–5) 1/5, lower (16–20) 0/5 → D = 0.2, not below 0.2.
		expect(byId.hard).toMatchObject({ facility: 0.1, discrimination: 0.2, flags: ['too_hard'] });
		expect(byId.hard!.pointBiserial).toBeGreaterThan(0);
	});

	it('flags an item only the middle gets right as low discrimination', () => {
		// Ranks 6–15 right: p = 0.5, neither group has a right answer → D = 0; the right answers' mean
		// total (95 … 86 → 90.5) equals everyone's, so r_pb = 0.
		expect(byId.flat).toMatchObject({ facility: 0.5, discrimination: 0, flags: ['low_discrimination'] });
		expect(byId.flat!.pointBiserial).toBeCloseTo(0, 10);
	});
});

describe('analyseItems edge cases', () => {
	it('breaks ties on the group boundary by attempt id', () => {
		const rows: ItemResponseRow[] = ['b', 'a', 'c'].map((attemptId) => ({ attemptId, attemptScore: 80, questionId: 'q', version: 1, chosen: ['A'], correct: attemptId === 'a' }));
		// Groups of 1: upper is 'a', lower is 'c'.
		expect(analyseItems(rows)[0]).toMatchObject({ groupSize: 1, upperFacility: 1, lowerFacility: 0, pointBiserial: null });
	});

	it('leaves D undefined for a single response and refuses an item twice in one attempt', () => {
		const row: ItemResponseRow = { attemptId: 'a', attemptScore: 80, questionId: 'q', version: 1, chosen: [], correct: false };
		expect(analyseItems([row])[0]).toMatchObject({ responses: 1, groupSize: 0, discrimination: null, unanswered: 1, flags: ['too_few_responses'] });
		expect(() => analyseItems([row, row])).toThrow('题目 q 第 1 版在同一次考试中出现了不止一次');
	});
});
