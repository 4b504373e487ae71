import { describe, expect, it } from 'vitest';
import {
	checkCreditCode,
	checkIdNumber,
	creditCodeCheckChar,
	idNumberCheckChar,
	maskIdNumber,
	maskMobile
} from './identifiers.ts';

describe('GB 11643 身份证号', () => {
	it('accepts the standard example and computes its check digit', () => {
		// GB 11643-1999 appendix example
		expect(idNumberCheckChar('11010519491231002')).toBe('X');
		expect(checkIdNumber('11010519491231002X')).toBeNull();
	});
	it('rejects a wrong check digit, a bad date, bad length and letters', () => {
		expect(checkIdNumber('110105194912310021')).toBe('checksum');
		expect(checkIdNumber('110105194902300020')).toBe('birthdate');
		expect(checkIdNumber('11010519491231002')).toBe('length');
		expect(checkIdNumber('11010519491231A02X')).toBe('format');
	});
	it('catches every single-digit typo in a valid number', () => {
		const valid = '11010519491231002X';
		for (let i = 0; i < 17; i++) {
			for (const d of '0123456789') {
				if (d === valid[i]) continue;
				const typo = valid.slice(0, i) + d + valid.slice(i + 1);
				expect(checkIdNumber(typo), typo).not.toBeNull();
			}
		}
	});
	it('masks the middle', () => {
		expect(maskIdNumber('50010319900307123X')).toBe('5001**********123X');
		expect(maskMobile('13800138000')).toBe('138****8000');
	});
});

describe('GB 32100 统一社会信用代码', () => {
	it('accepts real published codes', () => {
		// 腾讯科技（深圳）有限公司's published code
		expect(checkCreditCode('91440300708461136T')).toBeNull();
		expect(creditCodeCheckChar('91440300708461136')).toBe('T');
	});
	it('rejects a wrong check character, forbidden letters and bad length', () => {
		expect(checkCreditCode('91440300708461136U')).toBe('checksum');
		expect(checkCreditCode('91440300708461136')).toBe('length');
		expect(checkCreditCode('9144030070846113IT')).toBe('format');
	});
});
