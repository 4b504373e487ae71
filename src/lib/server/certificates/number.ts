// Certificate numbers: TZ-2026-500112-000042-K — type, issue year, the holder enterprise's district
// code, a sequence per (type, year, district), and a check character by ISO/IEC 7064 MOD 37-2 (the
// pure system over 0-9A-Z with '*' as the 37th check symbol). With a prime modulus 37 and weights
// 2^k (2 is a primitive root mod 37), a substitution changes the sum by (a-b)·2^k and an adjacent
// swap by (a-b)·2^k·(2-1), never 0 mod 37: every single-character typo and every adjacent
// transposition is caught (number.spec.ts also checks this exhaustively over a sample). The hybrid
// MOD 37,36 misses some adjacent swaps (e.g. 10↔01 in some positions), so it is not used. Numbers
// whose check symbol would be '*' are skipped when issuing, so printed numbers are letters/digits.
// Hyphens and case are presentation only; the check runs over the 19 letters/digits.
import { CERTIFICATE_KIND_CODES, type CertificateKind } from './rules.ts';

export const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const CHECK_ALPHABET = `${ALPHABET}*`;
const M = 37;

function valueOf(ch: string): number {
	const v = ALPHABET.indexOf(ch);
	if (v < 0) throw new Error(`字符“${ch}”不在 0-9A-Z 中`);
	return v;
}

function weightedSum(body: string): number {
	let p = 0;
	for (const ch of body) p = ((p + valueOf(ch)) * 2) % M;
	return p;
}

/** ISO/IEC 7064 MOD 37-2: the check symbol (0-9, A-Z or '*') that makes the whole string check. */
export function mod372CheckChar(body: string): string {
	return CHECK_ALPHABET[(M + 1 - weightedSum(body)) % M]!;
}

export function mod372Valid(withCheck: string): boolean {
	if (withCheck.length < 2 || /[^0-9A-Z]/.test(withCheck.slice(0, -1))) return false;
	const c = CHECK_ALPHABET.indexOf(withCheck.at(-1)!);
	if (c < 0) return false;
	return (weightedSum(withCheck.slice(0, -1)) + c) % M === 1;
}

const CODE_TO_KIND = Object.fromEntries(Object.entries(CERTIFICATE_KIND_CODES).map(([k, c]) => [c, k])) as Record<string, CertificateKind>;

export type NumberParts = { kind: CertificateKind; year: number; regionCode: string; sequence: number };

export function formatCertificateNumber(parts: NumberParts): string {
	if (!/^\d{6}$/.test(parts.regionCode)) throw new Error(`区划代码应为6位数字，收到“${parts.regionCode}”`);
	if (!Number.isInteger(parts.year) || parts.year < 2000 || parts.year > 2099) throw new Error(`年份不正确：${parts.year}`);
	if (!Number.isInteger(parts.sequence) || parts.sequence < 1 || parts.sequence > 999_999) throw new Error(`流水号超出范围：${parts.sequence}`);
	const fields = [CERTIFICATE_KIND_CODES[parts.kind], String(parts.year), parts.regionCode, String(parts.sequence).padStart(6, '0')];
	return `${fields.join('-')}-${mod372CheckChar(fields.join(''))}`;
}

export type ParsedNumber = { ok: true; number: string; parts: NumberParts } | { ok: false; problem: 'empty' | 'format' | 'check'; message: string };

const COMPACT = /^(AQ|TZ|PX)(\d{4})(\d{6})(\d{6})([0-9A-Z*])$/;

/** Accepts any case, spaces and hyphens; returns the canonical hyphenated number or why not. */
export function parseCertificateNumber(input: string): ParsedNumber {
	const compact = input.normalize('NFKC').toUpperCase().replace(/[\s\-－—_]/g, '').replace('＊', '*');
	if (!compact) return { ok: false, problem: 'empty', message: '请输入证书编号' };
	const m = COMPACT.exec(compact);
	if (compact.length > 40 || !m) return { ok: false, problem: 'format', message: '证书编号格式不正确，应如 TZ-2026-500112-000042-K' };
	if (!mod372Valid(compact)) return { ok: false, problem: 'check', message: '证书编号校验位不符，请核对是否输错（某一位写错或相邻两位颠倒）' };
	const [, code, year, region, seq, check] = m as unknown as [string, string, string, string, string, string];
	return {
		ok: true,
		number: `${code}-${year}-${region}-${seq}-${check}`,
		parts: { kind: CODE_TO_KIND[code]!, year: Number(year), regionCode: region, sequence: Number(seq) }
	};
}
