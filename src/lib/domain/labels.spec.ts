import { describe, expect, it } from 'vitest';
import { ORG_KIND_LABELS, ROLE_CATEGORIES, ROLE_CATEGORY_LABELS, ROLE_LABELS, labelOf, roleCategoryLabel } from './labels.ts';

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

describe('labelOf', () => {
	it('looks a code up in any label table, showing an unknown code as it is', () => {
		expect(labelOf(ROLE_LABELS, 'institution_admin')).toBe('培训机构管理员');
		expect(labelOf(ORG_KIND_LABELS, 'regulator')).toBe('应急管理部门');
		expect(labelOf(ROLE_LABELS, 'auditor')).toBe('auditor');
		expect(labelOf(ROLE_LABELS, 'constructor')).toBe('constructor');
		expect(labelOf(ROLE_LABELS, null)).toBe('');
	});
});
