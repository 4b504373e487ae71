import { describe, expect, it } from 'vitest';
import { idParam, idSchema, MAX_ID, requireIdParam } from './params.ts';

describe('the one id parser', () => {
	it('accepts only the canonical decimal of a positive int4', () => {
		expect(idParam('1')).toBe(1);
		expect(idParam('2147483647')).toBe(MAX_ID);
		expect(idParam(42)).toBe(42);
		for (const bad of ['0', '-1', '01', '1abc', 'abc', '', ' 1', '1 ', '1.0', '1e3', '0x10', '+1', '2147483648', '99999999999', '１', '1\u0000', null, undefined, 1.5, -3, 2 ** 31, NaN]) {
			expect(idParam(bad), JSON.stringify(bad)).toBeNull();
		}
	});

	it('answers 404 in routes and a Chinese issue in forms', () => {
		expect(() => requireIdParam('1abc')).toThrow(expect.objectContaining({ status: 404 }));
		expect(requireIdParam('7')).toBe(7);
		expect(idSchema.safeParse('12').data).toBe(12);
		const r = idSchema.safeParse('9999999999');
		expect(r.success).toBe(false);
		expect(r.error?.issues[0]?.message).toBe('编号无效');
	});
});
