import { describe, expect, it } from 'vitest';
import type { Blueprint, BlueprintSection, PoolItem } from './blueprint.ts';
import { drawPaper, type PaperSlot } from './paper.ts';
import { createRng } from './random.ts';

function item(questionId: string, type: PoolItem['type'], knowledge = 'kp-1', extra: Partial<PoolItem> = {}): PoolItem {
	return { questionId, version: 1, type, knowledge, difficulty: 3, optionKeys: type === 'judge' ? [] : ['A', 'B', 'C', 'D'], ...extra };
}

const many = (prefix: string, n: number, type: PoolItem['type'], knowledge = 'kp-1') => Array.from({ length: n }, (_, i) => item(`${prefix}-${String(i).padStart(3, '0')}`, type, knowledge));

const POOL: PoolItem[] = [...many('j', 120, 'judge'), ...many('s', 80, 'single'), ...many('m', 30, 'multiple').map((m) => ({ ...m, optionKeys: ['A', 'B', 'C', 'D', 'E'] }))];

function blueprint(sections: BlueprintSection[], extra: Partial<Blueprint> = {}): Blueprint {
	const total = sections.reduce((s, x) => s + x.count * x.points, 0);
	return { sections, multipleScoring: 'all_or_nothing', durationMinutes: 120, totalPoints: total, passMark: total * 0.8, shuffleQuestions: 'within_sections', shuffleOptions: true, ...extra };
}

const EXAM = blueprint([
	{ type: 'judge', count: 50, points: 1 },
	{ type: 'single', count: 40, points: 1 },
	{ type: 'multiple', count: 5, points: 2 }
]);

const ids = (paper: PaperSlot[]) => paper.map((s) => s.questionId);

describe('drawPaper', () => {
	it('gives the same paper for the same seed and another order for another seed', () => {
		const a = drawPaper(EXAM, POOL, createRng('attempt-1'));
		expect(drawPaper(EXAM, POOL, createRng('attempt-1'))).toEqual(a);
		const b = drawPaper(EXAM, POOL, createRng('attempt-2'));
		expect(ids(b)).not.toEqual(ids(a));
		expect(b.map((s) => s.optionOrder)).not.toEqual(a.map((s) => s.optionOrder));
	});

	it('does not depend on the order the pool arrives in', () => {
		expect(drawPaper(EXAM, [...POOL].reverse(), createRng('seed'))).toEqual(drawPaper(EXAM, POOL, createRng('seed')));
	});

	it('numbers slots 1 … n, never repeats a question, and keeps sections in order with their points', () => {
		const paper = drawPaper(EXAM, POOL, createRng('x'));
		expect(paper.map((s) => s.slot)).toEqual(Array.from({ length: 95 }, (_, i) => i + 1));
		expect(new Set(ids(paper)).size).toBe(95);
		expect(paper.map((s) => s.section)).toEqual([...Array(50).fill(1), ...Array(40).fill(2), ...Array(5).fill(3)]);
		expect(paper.every((s) => s.questionId.startsWith(['j', 's', 'm'][s.section - 1]!))).toBe(true);
		expect(paper.reduce((sum, s) => sum + s.points, 0)).toBe(100);
		expect(paper.every((s) => s.version === 1)).toBe(true);
	});

	it('shuffles option letters per question, never for judge items or items that must keep their order', () => {
		const pool = [...POOL.filter((p) => p.type !== 'single'), ...many('s', 80, 'single').map((s, i) => (i < 40 ? { ...s, keepOptionOrder: true } : s))];
		const paper = drawPaper(EXAM, pool, createRng('options'));
		for (const s of paper) {
			const kept = pool.find((p) => p.questionId === s.questionId)!;
			expect([...s.optionOrder].sort()).toEqual([...kept.optionKeys]);
			if (kept.type === 'judge') expect(s.optionOrder).toEqual([]);
			if (kept.keepOptionOrder) expect(s.optionOrder).toEqual(['A', 'B', 'C', 'D']);
		}
		expect(paper.some((s) => s.optionOrder.join('') !== [...s.optionOrder].sort().join(''))).toBe(true);
		const plain = drawPaper({ ...EXAM, shuffleOptions: false }, POOL, createRng('options'));
		expect(plain.every((s) => s.optionOrder.join('') === [...s.optionOrder].sort().join(''))).toBe(true);
	});

	it("keeps question-id order within sections for shuffleQuestions 'none'", () => {
		const paper = drawPaper({ ...EXAM, shuffleQuestions: 'none' }, POOL, createRng('n'));
		for (const section of [1, 2, 3]) {
			const inSection = ids(paper.filter((s) => s.section === section));
			expect(inSection).toEqual([...inSection].sort());
		}
	});

	it("mixes sections for shuffleQuestions 'across_sections' and keeps their counts", () => {
		const paper = drawPaper({ ...EXAM, shuffleQuestions: 'across_sections' }, POOL, createRng('mix'));
		const sections = paper.map((s) => s.section);
		expect(sections).not.toEqual([...sections].sort());
		expect([1, 2, 3].map((n) => sections.filter((x) => x === n).length)).toEqual([50, 40, 5]);
	});

	it('is a fixed paper when every candidate gets the same seed', () => {
		const fixed = blueprint([{ type: 'single', count: 10, points: 10 }], { shuffleQuestions: 'none', shuffleOptions: false });
		const first = drawPaper(fixed, POOL, createRng('exam:42'));
		expect(drawPaper(fixed, POOL, createRng('exam:42'))).toEqual(first);
	});

	it('never strands a later section whose questions an earlier section could also take', () => {
		// Section 1 takes any single-choice item; section 2 needs the only 3 on kp-3.
		const pool = [...many('a', 5, 'single', 'kp-1'), ...many('b', 3, 'single', 'kp-3.1')];
		const bp = blueprint([
			{ type: 'single', count: 5, points: 1 },
			{ type: 'single', count: 3, points: 1, knowledge: ['kp-3'] }
		]);
		for (let i = 0; i < 50; i++) {
			const paper = drawPaper(bp, pool, createRng(`s${i}`));
			expect(ids(paper.filter((s) => s.section === 2)).sort()).toEqual(['b-000', 'b-001', 'b-002']);
		}
	});

	it('still draws overlapping sections at random', () => {
		const pool = [...many('a', 10, 'single', 'kp-1'), ...many('b', 10, 'single', 'kp-3')];
		const bp = blueprint([
			{ type: 'single', count: 8, points: 1 },
			{ type: 'single', count: 8, points: 1, knowledge: ['kp-3'] }
		]);
		const firstSections = new Set(Array.from({ length: 20 }, (_, i) => ids(drawPaper(bp, pool, createRng(`r${i}`))).slice(0, 8).sort().join()));
		expect(firstSections.size).toBeGreaterThan(10);
		for (let i = 0; i < 20; i++) {
			const paper = drawPaper(bp, pool, createRng(`r${i}`));
			expect(new Set(ids(paper)).size).toBe(16);
			expect(paper.filter((s) => s.section === 2).every((s) => s.questionId.startsWith('b'))).toBe(true);
		}
	});

	it('throws the pool problems in Chinese when the pool is short', () => {
		expect(() => drawPaper(blueprint([{ type: 'multiple', count: 31, points: 1 }]), POOL, createRng('x'))).toThrow('题库不足以按组卷策略组卷：第1部分：多选题只有 30 道，需要 31 道');
	});

	it('is pinned: a stored seed draws the same paper after code changes', () => {
		const bp = blueprint([
			{ type: 'judge', count: 2, points: 5 },
			{ type: 'single', count: 2, points: 5 }
		]);
		const paper = drawPaper(bp, [...many('j', 4, 'judge'), ...many('s', 4, 'single')], createRng('pinned'));
		expect(paper.map((s) => `${s.slot}:${s.questionId}:${s.optionOrder.join('')}`)).toEqual(PINNED);
	});
});

// Checked against an independent Python re-implementation: xoshiro128** from SHA-256('pinned'),
// each section's candidates (in question-id order) taken by Fisher–Yates from the front until `count`
// are drawn, then each slot's options shuffled by Fisher–Yates from the back, in slot order.
const PINNED = ['1:j-002:', '2:j-003:', '3:s-000:CABD', '4:s-002:ADCB'];
