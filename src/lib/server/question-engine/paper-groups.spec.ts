import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBlueprintAgainstPool, type Blueprint, type PoolItem } from './blueprint.ts';
import { collapseDuplicates, drawPaper, type PaperSlot } from './paper.ts';
import { createRng } from './random.ts';

// Issue 14: duplicate groups never give two questions to one paper; a case group is drawn whole
// and stays consecutive under every shuffle.

const TYPES = ['single', 'multiple', 'judge'] as const;

type PoolSpec = { singles: { type: (typeof TYPES)[number]; dup: number | null }[]; cases: { type: (typeof TYPES)[number]; n: number; dup: number | null }[] };

function buildPool(spec: PoolSpec): PoolItem[] {
	const pool: PoolItem[] = [];
	let n = 0;
	const item = (type: PoolItem['type'], extra: Partial<PoolItem>): PoolItem => ({
		questionId: String(++n),
		version: 1,
		type,
		knowledge: 'k',
		difficulty: 3,
		optionKeys: type === 'judge' ? [] : ['A', 'B', 'C', 'D'],
		...extra
	});
	for (const s of spec.singles) pool.push(item(s.type, s.dup === null ? {} : { duplicateGroup: `d${s.dup}` }));
	spec.cases.forEach((c, i) => {
		for (let k = 0; k < c.n; k++) {
			// a case of mixed types: its second member is a judge item; the first may share a duplicate group
			const type = k === 1 ? 'judge' : c.type;
			pool.push(item(type, { caseKey: `case-${i}`, ...(k === 0 && c.dup !== null ? { duplicateGroup: `d${c.dup}` } : {}) }));
		}
	});
	return pool;
}

const poolSpec = fc.record({
	singles: fc.array(fc.record({ type: fc.constantFrom(...TYPES), dup: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }) }), { minLength: 30, maxLength: 90 }),
	cases: fc.array(fc.record({ type: fc.constantFrom(...TYPES), n: fc.integer({ min: 3, max: 5 }), dup: fc.option(fc.integer({ min: 0, max: 6 }), { nil: null }) }), { maxLength: 6 })
});

const blueprintOf = (counts: [number, number, number], order: Blueprint['shuffleQuestions']): Blueprint => {
	const sections = TYPES.map((type, i) => ({ type, count: counts[i] as number, points: 1 })).filter((s) => s.count > 0);
	const total = sections.reduce((s, x) => s + x.count, 0);
	return { sections, multipleScoring: 'all_or_nothing', durationMinutes: 60, totalPoints: total, passMark: total, shuffleQuestions: order, shuffleOptions: true };
};

/** Draws, or null when this pool cannot supply the blueprint (an honest refusal, checked separately). */
function tryDraw(b: Blueprint, pool: PoolItem[], seed: string): PaperSlot[] | null {
	try {
		return drawPaper(b, pool, createRng(seed));
	} catch (e) {
		expect((e as Error).message).toMatch(/题库不足|抽题失败/);
		return null;
	}
}

const arbitrary = fc.tuple(poolSpec, fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 0, max: 8 }), fc.integer({ min: 0, max: 12 })), fc.constantFrom('none', 'within_sections', 'across_sections' as const), fc.string());

describe('drawPaper with duplicate and case groups (property)', () => {
	it('never draws two members of a duplicate group, nor a question twice; fills every section exactly', () => {
		fc.assert(
			fc.property(arbitrary, ([spec, counts, order, seed]) => {
				const pool = buildPool(spec);
				const b = blueprintOf(counts, order);
				const paper = tryDraw(b, pool, seed);
				if (!paper) return;
				const byId = new Map(pool.map((p) => [p.questionId, p]));
				const groups = paper.map((s) => byId.get(s.questionId)?.duplicateGroup).filter((g): g is string => !!g);
				expect(new Set(groups).size).toBe(groups.length);
				expect(new Set(paper.map((s) => s.questionId)).size).toBe(paper.length);
				b.sections.forEach((sec, j) => {
					const mine = paper.filter((s) => s.section === j + 1);
					expect(mine.length).toBe(sec.count);
					for (const s of mine) expect(byId.get(s.questionId)?.type).toBe(sec.type);
				});
				expect(paper.map((s) => s.slot)).toEqual(paper.map((_, i) => i + 1));
			}),
			{ numRuns: 300 }
		);
	});

	it('draws a case whole or not at all, its members consecutive in id order, whatever the shuffle', () => {
		fc.assert(
			fc.property(arbitrary, ([spec, counts, order, seed]) => {
				const pool = buildPool(spec);
				const paper = tryDraw(blueprintOf(counts, order), pool, seed);
				if (!paper) return;
				const byId = new Map(pool.map((p) => [p.questionId, p]));
				const positions = new Map<string, number[]>();
				paper.forEach((s, i) => {
					const key = byId.get(s.questionId)?.caseKey;
					if (key) positions.set(key, [...(positions.get(key) ?? []), i]);
				});
				for (const [key, at] of positions) {
					const members = pool.filter((p) => p.caseKey === key);
					expect(at.length).toBe(members.length);
					expect(at[at.length - 1]! - at[0]!).toBe(at.length - 1);
					const drawnIds = at.map((i) => paper[i]!.questionId);
					expect(drawnIds).toEqual(members.map((m) => m.questionId));
				}
			}),
			{ numRuns: 300 }
		);
	});

	it('is deterministic for a seed and independent of pool order', () => {
		fc.assert(
			fc.property(arbitrary, ([spec, counts, order, seed]) => {
				const pool = buildPool(spec);
				const b = blueprintOf(counts, order);
				const a = tryDraw(b, pool, seed);
				expect(tryDraw(b, [...pool].reverse(), seed)).toEqual(a);
			}),
			{ numRuns: 100 }
		);
	});
});

describe('drawPaper with groups (examples)', () => {
	it('draws cases when the bank holds them, and a case of mixed types counts each member toward its own section', () => {
		const pool = buildPool({
			singles: [...Array.from({ length: 20 }, () => ({ type: 'single' as const, dup: null })), ...Array.from({ length: 20 }, () => ({ type: 'judge' as const, dup: null }))],
			cases: Array.from({ length: 6 }, () => ({ type: 'single' as const, n: 3, dup: null }))
		});
		const b = blueprintOf([10, 0, 10], 'across_sections');
		let withCase = 0;
		for (let i = 0; i < 40; i++) {
			const paper = drawPaper(b, pool, createRng(`s${i}`));
			if (paper.some((s) => pool.find((p) => p.questionId === s.questionId)?.caseKey)) withCase++;
		}
		expect(withCase).toBeGreaterThan(20);
	});

	it('refuses, in Chinese, a pool whose only supply is members of one duplicate group (a group counts once)', () => {
		const pool = buildPool({ singles: Array.from({ length: 5 }, () => ({ type: 'judge' as const, dup: 1 })), cases: [] });
		expect(checkBlueprintAgainstPool(blueprintOf([0, 0, 2], 'none'), pool)).toEqual(['第1部分：判断题只有 1 道，需要 2 道']);
		expect(() => drawPaper(blueprintOf([0, 0, 2], 'none'), pool, createRng('x'))).toThrow(/题库不足以按组卷策略组卷：第1部分：判断题只有 1 道，需要 2 道/);
	});

	it('collapseDuplicates keeps one per group and drops a case that lost a member', () => {
		const pool = buildPool({ singles: [{ type: 'single', dup: 1 }, { type: 'single', dup: 2 }], cases: [{ type: 'single', n: 3, dup: 1 }] });
		for (let i = 0; i < 20; i++) {
			const kept = collapseDuplicates(pool, createRng(`c${i}`));
			const keptCase = kept.filter((k) => k.caseKey);
			expect([0, 3]).toContain(keptCase.length);
			expect(kept.filter((k) => k.duplicateGroup === 'd1')).toHaveLength(1);
		}
	});
});
