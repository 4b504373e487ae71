// Check-digit rules of Chinese identifiers. Pure functions, used by zod schemas on both sides.

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const ID_CHECK = '10X98765432';

/** GB 11643-1999 check character for the first 17 digits of a 居民身份证号码. */
export function idNumberCheckChar(first17: string): string {
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += Number(first17[i]) * ID_WEIGHTS[i]!;
	return ID_CHECK[sum % 11]!;
}

export type IdNumberProblem = 'length' | 'format' | 'birthdate' | 'checksum';

/** Returns null when valid, otherwise what is wrong (GB 11643). */
export function checkIdNumber(value: string): IdNumberProblem | null {
	if (value.length !== 18) return 'length';
	if (!/^\d{17}[\dX]$/.test(value)) return 'format';
	const y = Number(value.slice(6, 10));
	const m = Number(value.slice(10, 12));
	const d = Number(value.slice(12, 14));
	const date = new Date(Date.UTC(y, m - 1, d));
	if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return 'birthdate';
	if (idNumberCheckChar(value.slice(0, 17)) !== value[17]) return 'checksum';
	return null;
}

export const ID_NUMBER_MESSAGES: Record<IdNumberProblem, string> = {
	length: '身份证号应为18位',
	format: '身份证号格式不正确：前17位应为数字，最后一位为数字或X',
	birthdate: '身份证号中的出生日期不存在',
	checksum: '身份证号校验位不正确（GB 11643），请核对是否输错'
};

const CREDIT_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** GB 32100-2015 check character for the first 17 characters of a 统一社会信用代码. */
export function creditCodeCheckChar(first17: string): string {
	let sum = 0;
	for (let i = 0; i < 17; i++) sum += CREDIT_CHARS.indexOf(first17[i]!) * CREDIT_WEIGHTS[i]!;
	return CREDIT_CHARS[(31 - (sum % 31)) % 31]!;
}

export type CreditCodeProblem = 'length' | 'format' | 'checksum';

export function checkCreditCode(value: string): CreditCodeProblem | null {
	if (value.length !== 18) return 'length';
	if (!/^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$/.test(value)) return 'format';
	if (creditCodeCheckChar(value.slice(0, 17)) !== value[17]) return 'checksum';
	return null;
}

export const CREDIT_CODE_MESSAGES: Record<CreditCodeProblem, string> = {
	length: '统一社会信用代码应为18位',
	format: '统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）',
	checksum: '统一社会信用代码校验位不正确（GB 32100），请核对是否输错'
};

export const MOBILE_RE = /^1[3-9]\d{9}$/;

/** 5001**********123X: keeps the region prefix and the last four, hides the birth date. */
export function maskIdNumber(value: string): string {
	if (value.length < 8) return '*'.repeat(value.length);
	return value.slice(0, 4) + '*'.repeat(value.length - 8) + value.slice(-4);
}

export function maskMobile(value: string | null): string {
	if (!value) return '';
	return value.length === 11 ? `${value.slice(0, 3)}****${value.slice(7)}` : value;
}
