import { describe, expect, it } from 'vitest';
import { admissionCode, allocateNumbers, intervalsOverlap, parseAdmissionCode, separationMessage } from './scheduling.ts';

const at = (hhmm: string) => new Date(`2026-07-01T${hhmm}:00+08:00`);

describe('intervalsOverlap', () => {
	it('finds overlapping sessions and lets back-to-back ones through', () => {
		expect(intervalsOverlap({ opensAt: at('09:00'), closesAt: at('11:00') }, { opensAt: at('10:59'), closesAt: at('12:00') })).toBe(true);
		expect(intervalsOverlap({ opensAt: at('09:00'), closesAt: at('11:00') }, { opensAt: at('08:00'), closesAt: at('12:00') })).toBe(true);
		expect(intervalsOverlap({ opensAt: at('09:00'), closesAt: at('11:00') }, { opensAt: at('11:00'), closesAt: at('12:00') })).toBe(false);
		expect(intervalsOverlap({ opensAt: at('13:00'), closesAt: at('14:00') }, { opensAt: at('09:00'), closesAt: at('13:00') })).toBe(false);
	});
});

describe('allocateNumbers', () => {
	it('fills the lowest free places and refuses more than the room holds', () => {
		expect(allocateNumbers([], 3, 2)).toEqual([1, 2]);
		expect(allocateNumbers([1, 3], 4, 2)).toEqual([2, 4]);
		expect(allocateNumbers([1, 3], 4, 3)).toBeNull();
		expect(allocateNumbers([], 2, 3)).toBeNull();
		expect(allocateNumbers([], 2, 0)).toEqual([]);
	});
});

describe('admission codes', () => {
	it('round-trips the 准考证号 of both parts and rejects anything else', () => {
		expect(admissionCode('practical', 12, 345)).toBe('AX-ZK-P-12-345');
		expect(admissionCode('theory', 7, 8)).toBe('AX-ZK-T-7-8');
		expect(parseAdmissionCode(' ax-zk-p-12-345 ')).toEqual({ part: 'practical', sessionId: 12, applicationId: 345 });
		expect(parseAdmissionCode('AX-ZK-T-7-8')).toEqual({ part: 'theory', sessionId: 7, applicationId: 8 });
		for (const bad of ['AX-ZK-X-1-2', 'AX-ZK-P-0-2', 'AX-ZK-P-1', 'AX-ZK-P-01-2', 'AX-ZK-P-2147483648-1', '', 'AX-ZK-P-1-2-3']) expect(parseAdmissionCode(bad), bad).toBeNull();
	});
});

describe('separationMessage', () => {
	it('names the examiner, the cohort, the candidates and 30号令 第六条', () => {
		const m = separationMessage([{ examinerName: '刘志强', cohortName: '低压电工2026第3期', candidateNames: ['张三', '李四'] }]);
		expect(m).toContain('考评员刘志强');
		expect(m).toContain('低压电工2026第3期');
		expect(m).toContain('张三、李四');
		expect(m).toContain('30号令）第六条');
		expect(m).toContain('教考分离');
	});
});
