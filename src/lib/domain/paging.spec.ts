import { describe, expect, it } from 'vitest';
import { clampPage, pageCount } from './paging.ts';

describe('paging', () => {
	it('counts the pages a list fills, at least one', () => {
		expect(pageCount(0, 20)).toBe(1);
		expect(pageCount(20, 20)).toBe(1);
		expect(pageCount(21, 20)).toBe(2);
	});
	it('keeps a requested page inside the list', () => {
		expect(clampPage(0, 45, 20)).toBe(1);
		expect(clampPage(2, 45, 20)).toBe(2);
		expect(clampPage(9, 45, 20)).toBe(3);
		expect(clampPage(3, 0, 20)).toBe(1);
	});
});
