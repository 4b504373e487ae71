import { describe, expect, it } from 'vitest';
import { combineSignoffs, replaySteps } from './practical-scoring.ts';
import { checkSheet, PRACTICAL_SHEETS } from './practical-sheets.ts';

const welding = PRACTICAL_SHEETS.find((s) => s.specialOperationCode === '2.1')!.definition;

describe('practical sheets', () => {
	it('every seeded sheet is consistent', () => {
		for (const s of PRACTICAL_SHEETS) expect(checkSheet(s.definition)).toEqual([]);
		expect(welding.subjects.map((s) => s.points)).toEqual([20, 40, 20, 20]);
	});
});

describe('replaySteps', () => {
	it('sums deductions, honours undo, caps each subject at its points', () => {
		const r = replaySteps(welding, [
			{ seq: 1, itemCode: 'K21-D1', kind: 'deduct', undoSeq: null },
			{ seq: 2, itemCode: 'K21-D2', kind: 'deduct', undoSeq: null },
			{ seq: 3, itemCode: 'K21-D2', kind: 'undo', undoSeq: 2 },
			{ seq: 4, itemCode: 'K11-D3', kind: 'deduct', undoSeq: null },
			{ seq: 5, itemCode: 'K11-D3', kind: 'deduct', undoSeq: null },
			{ seq: 6, itemCode: 'K11-D3', kind: 'deduct', undoSeq: null }
		]);
		expect(r.lostBySubject).toMatchObject({ K1: 20, K2: 5 });
		expect(r.total).toBe(75);
		expect(r.veto).toBe(false);
	});
	it('a veto item fails whatever the points; unknown codes are ignored', () => {
		const r = replaySteps(welding, [
			{ seq: 1, itemCode: 'K41-V1', kind: 'veto', undoSeq: null },
			{ seq: 2, itemCode: 'NOPE', kind: 'deduct', undoSeq: null }
		]);
		expect(r).toMatchObject({ total: 100, veto: true });
		expect(combineSignoffs(welding, [{ examinerUserId: 1, role: 'first', score: 100, veto: true }, { examinerUserId: 2, role: 'second', score: 100, veto: true }])).toMatchObject({ state: 'final', passed: false });
	});
});

describe('combineSignoffs', () => {
	it('waits for two examiners', () => {
		expect(combineSignoffs(welding, [{ examinerUserId: 1, role: 'first', score: 90, veto: false }])).toMatchObject({ state: 'awaiting', needed: 1 });
	});
	it('within tolerance: the mean; pass at 80', () => {
		expect(combineSignoffs(welding, [{ examinerUserId: 1, role: 'first', score: 82, veto: false }, { examinerUserId: 2, role: 'second', score: 78, veto: false }])).toEqual({ state: 'final', score: 80, veto: false, passed: true });
		expect(combineSignoffs(welding, [{ examinerUserId: 1, role: 'first', score: 80, veto: false }, { examinerUserId: 2, role: 'second', score: 79, veto: false }])).toMatchObject({ passed: false });
	});
	it('beyond tolerance or veto disagreement: third review decides', () => {
		const two = [
			{ examinerUserId: 1, role: 'first' as const, score: 95, veto: false },
			{ examinerUserId: 2, role: 'second' as const, score: 70, veto: false }
		];
		expect(combineSignoffs(welding, two)).toMatchObject({ state: 'third_review' });
		expect(combineSignoffs(welding, [two[0]!, { ...two[0]!, examinerUserId: 2, role: 'second', veto: true }])).toMatchObject({ state: 'third_review' });
		expect(combineSignoffs(welding, [...two, { examinerUserId: 3, role: 'third', score: 85, veto: false }])).toEqual({ state: 'final', score: 85, veto: false, passed: true });
	});
});
