import { describe, expect, it } from 'vitest';
import { checkPracticalAllowed, theoryValidUntil } from './practical-rules.ts';

const fails = (n: number, date = '2026-01-10') => Array.from({ length: n }, () => ({ date, passed: false }));

describe('practical exam: theory first, 12 months, re-sits by regime', () => {
	it('refuses without a passed theory exam (暂行办法 第九条)', () => {
		const d = checkPracticalAllowed({ date: '2026-05-01', theoryPassedOn: null, attempts: [] });
		expect(d.allowed).toBe(false);
		if (!d.allowed) expect(d.reason).toContain('第九条');
	});
	it('theory pass valid 12 months (暂行办法 第十条)', () => {
		expect(theoryValidUntil('2025-06-10')).toBe('2026-06-09');
		expect(theoryValidUntil('2024-02-29')).toBe('2025-02-28');
		expect(checkPracticalAllowed({ date: '2026-06-09', theoryPassedOn: '2025-06-10', attempts: [] }).allowed).toBe(true);
		const late = checkPracticalAllowed({ date: '2026-06-10', theoryPassedOn: '2025-06-10', attempts: [] });
		expect(late.allowed).toBe(false);
		if (!late.allowed) expect(late.reason).toContain('第十条');
	});
	it('30号令 (on 2026-05-31): one re-sit, then retraining', () => {
		const one = checkPracticalAllowed({ date: '2026-05-31', theoryPassedOn: '2026-01-01', attempts: fails(1) });
		expect(one).toMatchObject({ allowed: true, attemptNo: 2, ruleCode: 'special-work-practical-30' });
		const two = checkPracticalAllowed({ date: '2026-05-31', theoryPassedOn: '2026-01-01', attempts: fails(2) });
		expect(two.allowed).toBe(false);
		if (!two.allowed) expect(two.reason).toContain('重新参加相应的安全技术培训');
	});
	it('19号令 (from 2026-06-01): up to 5 practical attempts, then a new theory exam', () => {
		const third = checkPracticalAllowed({ date: '2026-06-01', theoryPassedOn: '2026-01-01', attempts: fails(2) });
		expect(third).toMatchObject({ allowed: true, attemptNo: 3, ruleCode: 'special-work-practical-19' });
		expect(checkPracticalAllowed({ date: '2026-06-01', theoryPassedOn: '2026-01-01', attempts: fails(4) })).toMatchObject({ allowed: true, attemptNo: 5, attemptsLeft: 0 });
		const sixth = checkPracticalAllowed({ date: '2026-06-01', theoryPassedOn: '2026-01-01', attempts: fails(5) });
		expect(sixth.allowed).toBe(false);
		if (!sixth.allowed) expect(sixth.reason).toContain('重新报名参加理论考试');
	});
	it('a passed practical needs no other attempt', () => {
		expect(checkPracticalAllowed({ date: '2026-07-01', theoryPassedOn: '2026-01-01', attempts: [{ date: '2026-02-01', passed: true }] }).allowed).toBe(false);
	});
});
