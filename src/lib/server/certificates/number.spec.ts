import { describe, expect, it } from 'vitest';
import { ALPHABET, formatCertificateNumber, mod372CheckChar, mod372Valid, parseCertificateNumber } from './number.ts';
import type { CertificateKind } from './rules.ts';

const compact = (n: string) => n.replaceAll('-', '');

// A sample of real-looking numbers: all kinds, several years/regions, sequences across the range.
function sample(): string[] {
	const out: string[] = [];
	const kinds: CertificateKind[] = ['safety_knowledge', 'special_work', 'training'];
	const regions = ['500112', '500115', '500102', '500000', '510104'];
	let seq = 1;
	for (const kind of kinds)
		for (const year of [2026, 2027, 2031])
			for (const regionCode of regions)
				for (let i = 0; i < 4; i++) {
					seq = (seq * 7919 + 13) % 999_999 || 1;
					out.push(compact(formatCertificateNumber({ kind, year, regionCode, sequence: seq })));
				}
	return out; // 180 numbers of 19 characters
}

describe('certificate number check character (ISO/IEC 7064 MOD 37-2)', () => {
	it('formats and parses back, ignoring case, spaces and hyphens', () => {
		const n = formatCertificateNumber({ kind: 'special_work', year: 2026, regionCode: '500112', sequence: 42 });
		expect(n).toMatch(/^TZ-2026-500112-000042-[0-9A-Z]$/);
		const parsed = parseCertificateNumber(` ${n.toLowerCase().replaceAll('-', ' ')} `);
		expect(parsed).toMatchObject({ ok: true, number: n, parts: { kind: 'special_work', year: 2026, regionCode: '500112', sequence: 42 } });
		expect(parseCertificateNumber('')).toMatchObject({ ok: false, problem: 'empty' });
		expect(parseCertificateNumber("TZ' OR 1=1 --")).toMatchObject({ ok: false, problem: 'format' });
		expect(parseCertificateNumber('<script>alert(1)</script>')).toMatchObject({ ok: false, problem: 'format' });
	});

	it('uses the 37th symbol only as a check symbol', () => {
		let star = 0;
		for (let i = 0; i < 2000; i++) if (mod372CheckChar(`TZ2026500112${String(i).padStart(6, '0')}`) === '*') star++;
		expect(star).toBeGreaterThan(0); // so issuing must skip those sequences (issue-service does)
		expect(mod372Valid('*1')).toBe(false);
	});

	it('catches every single-character substitution, exhaustively over the sample', () => {
		let tried = 0;
		for (const n of sample()) {
			expect(mod372Valid(n)).toBe(true);
			for (let i = 0; i < n.length; i++) {
				for (const ch of `${ALPHABET}*`) {
					if (ch === n[i]) continue;
					const typo = n.slice(0, i) + ch + n.slice(i + 1);
					tried++;
					if (mod372Valid(typo)) throw new Error(`undetected substitution ${n} → ${typo}`);
				}
			}
		}
		expect(tried).toBe(180 * 19 * 36);
	});

	it('catches every transposition of two adjacent different characters, exhaustively over the sample', () => {
		let tried = 0;
		for (const n of sample()) {
			for (let i = 0; i + 1 < n.length; i++) {
				if (n[i] === n[i + 1]) continue;
				const swapped = n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2);
				tried++;
				if (mod372Valid(swapped)) throw new Error(`undetected transposition ${n} → ${swapped}`);
			}
		}
		expect(tried).toBeGreaterThan(2500);
	});

	it('catches every substitution and adjacent swap in any string over the alphabet (random sample)', () => {
		let seed = 7;
		const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 36;
		for (let k = 0; k < 300; k++) {
			const body = Array.from({ length: 21 }, () => ALPHABET[rnd()]).join('');
			const n = body + mod372CheckChar(body);
			if (n.endsWith('*')) continue;
			for (let i = 0; i < n.length; i++) {
				for (const ch of ALPHABET) if (ch !== n[i]) expect(mod372Valid(n.slice(0, i) + ch + n.slice(i + 1))).toBe(false);
				if (i + 1 < n.length && n[i] !== n[i + 1]) expect(mod372Valid(n.slice(0, i) + n[i + 1] + n[i] + n.slice(i + 2))).toBe(false);
			}
		}
	});

	it('reports a mistyped number as a check-character problem', () => {
		const n = formatCertificateNumber({ kind: 'safety_knowledge', year: 2026, regionCode: '500115', sequence: 7 });
		const typo = n.replace('500115', '500116');
		expect(parseCertificateNumber(typo)).toMatchObject({ ok: false, problem: 'check' });
	});
});
