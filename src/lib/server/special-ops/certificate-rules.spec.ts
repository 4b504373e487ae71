import { describe, expect, it } from 'vitest';
import { expiryBucket, needsPracticalRetest, proposalGaps, renewalGaps } from './certificate-rules.ts';

const at = (d: string) => new Date(`${d}T02:00:00Z`);
const final = (d: string, passed = true) => ({ status: 'final', passed, finalisedAt: at(d) });

describe('proposalGaps', () => {
	it('needs both parts of the same application, the practical final', () => {
		expect(proposalGaps({ finishedAt: at('2026-05-20') }, final('2026-06-10'))).toEqual([]);
		expect(proposalGaps(null, final('2026-06-10'))).toEqual(['安全生产知识考试（理论）未通过']);
		expect(proposalGaps({ finishedAt: at('2026-05-20') }, null)).toEqual(['实际操作考试未通过']);
		expect(proposalGaps(null, null)).toHaveLength(2);
		expect(proposalGaps({ finishedAt: at('2026-05-20') }, final('2026-06-10', false))).toEqual(['实际操作考试未通过']);
		expect(proposalGaps({ finishedAt: at('2026-05-20') }, { status: 'scored', passed: true, finalisedAt: null })[0]).toMatch(/尚未确认/);
	});
	it('the practical within 12 months of the theory pass (暂行办法 第十条), both sides of the boundary', () => {
		expect(proposalGaps({ finishedAt: at('2026-05-31') }, final('2027-05-31'))).toEqual([]);
		expect(proposalGaps({ finishedAt: at('2026-05-31') }, final('2027-06-01'))[0]).toMatch(/12个月/);
		expect(proposalGaps({ finishedAt: at('2025-06-01') }, final('2026-06-01'))).toEqual([]);
		expect(proposalGaps({ finishedAt: at('2025-06-01') }, final('2026-06-02'))[0]).toMatch(/有效至 2026-06-01/);
	});
});

describe('renewalGaps', () => {
	it('needs the issued earlier certificate and a theory pass within 12 months', () => {
		const prev = { status: 'issued', validUntil: '2032-06-01', type: 'special_work' };
		expect(renewalGaps(prev, { finishedAt: at('2032-04-01') }, '2032-05-01')).toEqual([]);
		expect(renewalGaps(null, null, '2032-05-01')).toEqual(['换证申请未关联原证书']);
		expect(renewalGaps({ ...prev, status: 'revoked' }, { finishedAt: at('2032-04-01') }, '2032-05-01')[0]).toMatch(/不是有效状态/);
		expect(renewalGaps(prev, { finishedAt: at('2031-04-01') }, '2032-05-01')[0]).toMatch(/超过12个月/);
	});
});

describe('expiryBucket', () => {
	it('90 / 30 days before valid_until, expired after', () => {
		expect(expiryBucket('2032-06-01', '2032-03-02')).toBeNull();
		expect(expiryBucket('2032-06-01', '2032-03-03')).toBe('within90');
		expect(expiryBucket('2032-06-01', '2032-05-01')).toBe('within90');
		expect(expiryBucket('2032-06-01', '2032-05-02')).toBe('within30');
		expect(expiryBucket('2032-06-01', '2032-06-01')).toBe('within30');
		expect(expiryBucket('2032-06-01', '2032-06-02')).toBe('expired');
	});
});

describe('needsPracticalRetest (30号令 第三十二条)', () => {
	it('6 months away or more, until a passed practical after leaving', () => {
		expect(needsPracticalRetest([{ leftOn: '2026-01-10', returnedOn: '2026-07-09' }], [], '2026-08-01').needed).toBe(false);
		expect(needsPracticalRetest([{ leftOn: '2026-01-10', returnedOn: '2026-07-10' }], [], '2026-08-01').needed).toBe(true);
		// still away: counted to today
		expect(needsPracticalRetest([{ leftOn: '2026-01-10', returnedOn: null }], [], '2026-07-09').needed).toBe(false);
		expect(needsPracticalRetest([{ leftOn: '2026-01-10', returnedOn: null }], [], '2026-07-10').needed).toBe(true);
		// a practical passed before leaving does not count; one after leaving does
		expect(needsPracticalRetest([{ leftOn: '2026-01-10', returnedOn: '2026-08-01' }], ['2025-12-01'], '2026-09-01').needed).toBe(true);
		expect(needsPracticalRetest([{ leftOn: '2026-01-10', returnedOn: '2026-08-01' }], ['2026-08-20'], '2026-09-01').needed).toBe(false);
	});
});
