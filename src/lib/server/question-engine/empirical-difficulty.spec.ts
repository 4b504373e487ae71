import { describe, expect, it } from 'vitest';
import { difficultyFromFacility, difficultyMismatch, empiricalDifficulties, empiricalMinResponses } from './empirical-difficulty.ts';

describe('empirical difficulty', () => {
	it('maps facility to the 1–5 scale', () => {
		expect([0.95, 0.9, 0.8, 0.6, 0.4, 0.2].map(difficultyFromFacility)).toEqual([1, 1, 2, 3, 4, 5]);
	});
	it('is set only once the current version has the minimum of responses', () => {
		const out = empiricalDifficulties(
			[
				{ id: 1, currentVersion: 1 },
				{ id: 2, currentVersion: 2 },
				{ id: 3, currentVersion: 1 }
			],
			[
				{ questionId: 1, version: 1, responses: 30, facility: 0.3 },
				{ questionId: 2, version: 1, responses: 100, facility: 0.95 },
				{ questionId: 3, version: 1, responses: 29, facility: 0.95 }
			],
			30
		);
		expect(out).toEqual([
			{ questionId: 1, difficulty: 5, responses: 30 },
			{ questionId: 2, difficulty: null, responses: 0 },
			{ questionId: 3, difficulty: null, responses: 29 }
		]);
	});
	it('reads the minimum from the environment, default 30', () => {
		expect(empiricalMinResponses({})).toBe(30);
		expect(empiricalMinResponses({ ANXUN_EMPIRICAL_MIN_RESPONSES: '50' })).toBe(50);
		expect(empiricalMinResponses({ ANXUN_EMPIRICAL_MIN_RESPONSES: 'x' })).toBe(30);
	});
	it('flags declared and empirical two or more levels apart', () => {
		expect(difficultyMismatch(1, 3)).toBe(true);
		expect(difficultyMismatch(2, 3)).toBe(false);
		expect(difficultyMismatch(5, null)).toBe(false);
	});
});
