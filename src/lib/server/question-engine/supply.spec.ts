import { describe, expect, it } from 'vitest';
import { maxSupply } from './supply.ts';

describe('maxSupply', () => {
	it('supplies sections that share no questions from their own groups', () => {
		expect(maxSupply([{ sections: [0], available: 5 }, { sections: [1], available: 3 }], [5, 3])).toEqual({ demanded: 8, supplied: 8, shortSections: [] });
	});

	it('routes shared questions to the section that needs them', () => {
		// Section 0 takes anything of type X (6 in all); section 1 only the 3 that are also kp-3.
		const groups = [
			{ sections: [0], available: 3 },
			{ sections: [0, 1], available: 3 }
		];
		expect(maxSupply(groups, [3, 3]).supplied).toBe(6);
		expect(maxSupply(groups, [4, 3])).toEqual({ demanded: 7, supplied: 6, shortSections: [0, 1] });
	});

	it('names only the sections that are short together', () => {
		const groups = [
			{ sections: [0, 1], available: 2 },
			{ sections: [2], available: 10 }
		];
		expect(maxSupply(groups, [2, 1, 4])).toEqual({ demanded: 7, supplied: 6, shortSections: [0, 1] });
	});

	it('handles sections nobody fits and zero demand', () => {
		expect(maxSupply([], [0])).toEqual({ demanded: 0, supplied: 0, shortSections: [] });
		expect(maxSupply([{ sections: [0], available: 2 }], [2, 1])).toEqual({ demanded: 3, supplied: 2, shortSections: [1] });
	});
});
