import { describe, expect, it } from 'vitest';
import { ROLE_CATEGORIES, ROLE_CATEGORY_LABELS, roleCategoryLabel } from './labels.ts';

describe('roleCategoryLabel', () => {
	it('names every code of the vocabulary', () => {
		for (const code of ROLE_CATEGORIES) expect(roleCategoryLabel(code)).toBe(ROLE_CATEGORY_LABELS[code]);
		expect(roleCategoryLabel('special_worker')).toBe('特种作业人员');
	});

	it('shows a code outside the vocabulary as it is, and nothing for a missing one', () => {
		expect(roleCategoryLabel('retired')).toBe('retired');
		// an inherited property name is not a category
		expect(roleCategoryLabel('toString')).toBe('toString');
		expect(roleCategoryLabel(null)).toBe('');
		expect(roleCategoryLabel(undefined)).toBe('');
	});
});
