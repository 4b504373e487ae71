import { describe, expect, it } from 'vitest';
import { attemptsAllowed, canResit, CERTIFICATE_TYPES, EXAM_KINDS, findResitRule, RESIT_RULES, type ExamHistory } from './resit.ts';

const failed = (...dates: string[]) => dates.map((date) => ({ date, passed: false }));
const specialTheory = (...dates: string[]): ExamHistory => ({ certificateType: 'special_work', examKind: 'theory', attempts: failed(...dates) });
const specialPractical = (...dates: string[]): ExamHistory => ({ certificateType: 'special_work', examKind: 'practical', attempts: failed(...dates) });

describe('resit rules as data', () => {
	it('never has two rules in force on the same day for the same exam', () => {
		for (const type of CERTIFICATE_TYPES) {
			for (const kind of EXAM_KINDS) {
				const rules = RESIT_RULES.filter((r) => r.certificateType === type && r.examKind === kind);
				for (const day of ['2010-07-01', '2026-05-31', '2026-06-01', '2030-01-01']) {
					expect(rules.filter((r) => (r.effectiveFrom ?? '') <= day && day <= (r.effectiveTo ?? '9999')).length).toBeLessThanOrEqual(1);
				}
			}
		}
	});

	it('switches the 特种作业 rules from 30号令 to 19号令 on 2026-06-01, and marks 19号令 as secondary', () => {
		expect(findResitRule('special_work', 'theory', '2026-05-31')?.code).toBe('special-work-theory-30');
		expect(findResitRule('special_work', 'theory', '2026-06-01')?.code).toBe('special-work-theory-19');
		expect(findResitRule('special_work', 'practical', '2026-05-31')?.code).toBe('special-work-practical-30');
		expect(findResitRule('special_work', 'practical', '2026-06-01')?.code).toBe('special-work-practical-19');
		expect(RESIT_RULES.filter((r) => r.basisDoc.includes('第19号')).every((r) => r.status === 'secondary')).toBe(true);
		expect(findResitRule('special_work', 'theory', '2026-05-31')).toMatchObject({ basisArticle: '第十三条', status: 'verified' });
	});
});

describe('attemptsAllowed', () => {
	it('allows the first attempt and one re-sit for 特种作业 before 2026-06-01', () => {
		expect(attemptsAllowed('special_work', 'theory', '2026-05-31')).toBe(2);
		expect(attemptsAllowed('special_work', 'practical', '2026-05-31')).toBe(2);
	});

	it('allows unlimited theory and 5 practical attempts from 2026-06-01', () => {
		expect(attemptsAllowed('special_work', 'theory', '2026-06-01')).toBeNull();
		expect(attemptsAllowed('special_work', 'practical', '2026-06-01')).toBe(5);
	});

	it('allows one re-sit for 主要负责人/安全生产管理人员 on either side of the date', () => {
		expect(attemptsAllowed('principal_or_safety_manager', 'theory', '2026-05-31')).toBe(2);
		expect(attemptsAllowed('principal_or_safety_manager', 'theory', '2026-06-01')).toBe(2);
		expect(findResitRule('principal_or_safety_manager', 'theory', '2026-06-01')).toMatchObject({ basisArticle: '第十条' });
	});

	it('refuses an exam no rule covers', () => {
		expect(() => attemptsAllowed('principal_or_safety_manager', 'practical', '2026-06-01')).toThrow(
			'没有适用于主要负责人和安全生产管理人员安全生产知识和管理能力考核实际操作考试的补考规则'
		);
	});
});

describe('canResit', () => {
	it('allows the one re-sit under 30号令', () => {
		expect(canResit(specialTheory('2026-04-01'), '2026-05-10')).toMatchObject({ allowed: true, attemptNumber: 2, attemptsLeft: 1 });
	});

	it('sends a candidate who failed the re-sit back to training before 2026-06-01', () => {
		expect(canResit(specialTheory('2026-04-01', '2026-05-02'), '2026-05-31')).toEqual({
			allowed: false,
			rule: findResitRule('special_work', 'theory', '2026-05-31'),
			reason:
				'理论考试已考 2 次（含补考 1 次），均不合格。按《特种作业人员安全技术培训考核管理规定》（原国家安全监管总局令第30号，2015年修正）第十三条，须重新参加相应的安全技术培训后再申请考试'
		});
		expect(canResit(specialPractical('2026-04-01', '2026-05-02'), '2026-05-31')).toMatchObject({ allowed: false });
	});

	it('lets the same candidate sit the theory exam again from 2026-06-01, without limit', () => {
		expect(canResit(specialTheory('2026-04-01', '2026-05-02'), '2026-06-01')).toMatchObject({ allowed: true, attemptNumber: 3, attemptsLeft: null, rule: { code: 'special-work-theory-19' } });
		const many = specialTheory(...Array.from({ length: 12 }, (_, i) => `2026-07-${String(i + 1).padStart(2, '0')}`));
		expect(canResit(many, '2026-07-20')).toMatchObject({ allowed: true, attemptNumber: 13 });
	});

	it('counts practical attempts up to 5 from 2026-06-01, then sends the candidate back to the theory exam', () => {
		expect(canResit(specialPractical('2026-04-01', '2026-05-02'), '2026-06-01')).toMatchObject({ allowed: true, attemptNumber: 3, attemptsLeft: 3 });
		expect(canResit(specialPractical('2026-06-02', '2026-06-09', '2026-06-16', '2026-06-23'), '2026-06-30')).toMatchObject({ allowed: true, attemptNumber: 5, attemptsLeft: 1 });
		const decision = canResit(specialPractical('2026-06-02', '2026-06-09', '2026-06-16', '2026-06-23', '2026-06-30'), '2026-07-07');
		expect(decision).toMatchObject({
			allowed: false,
			reason: '实际操作考试已考 5 次（含补考 4 次），均不合格。按《特种作业人员安全技术培训考核管理规定》（应急管理部令第19号），须重新报名参加理论考试（不再要求参加培训）'
		});
	});

	it('allows 主要负责人/安全生产管理人员 one re-sit and says the source is silent after that', () => {
		const history = (...dates: string[]): ExamHistory => ({ certificateType: 'principal_or_safety_manager', examKind: 'theory', attempts: failed(...dates) });
		expect(canResit(history('2026-07-01'), '2026-07-15')).toMatchObject({ allowed: true, attemptNumber: 2, attemptsLeft: 1 });
		expect(canResit(history('2026-07-01', '2026-07-15'), '2026-08-01')).toMatchObject({
			allowed: false,
			reason: '理论考试已考 2 次（含补考 1 次），均不合格。按《安全生产资格考试与证书管理暂行办法》（原国家安全监管总局，2013）第十条，依据未规定其后的办法，请按考核机关要求重新报名'
		});
	});

	it('refuses when there is nothing to re-sit', () => {
		expect(canResit(specialTheory(), '2026-05-01')).toMatchObject({ allowed: false, reason: '尚未参加过考试，首次考试不属于补考' });
		expect(canResit({ certificateType: 'special_work', examKind: 'theory', attempts: [{ date: '2026-04-01', passed: true }] }, '2026-05-01')).toMatchObject({
			allowed: false,
			reason: '考试已合格，无需补考'
		});
		expect(canResit({ certificateType: 'principal_or_safety_manager', examKind: 'practical', attempts: failed('2026-04-01') }, '2026-05-01')).toMatchObject({
			allowed: false,
			rule: null
		});
	});

	it('refuses malformed dates and attempts dated after today', () => {
		expect(() => canResit(specialTheory('2026-04-01'), '2026-6-1')).toThrow('今天的日期应为 YYYY-MM-DD 格式的日期，收到“2026-6-1”');
		expect(() => canResit(specialTheory('2026-06-02'), '2026-06-01')).toThrow('考试记录的日期 2026-06-02 晚于今天 2026-06-01');
	});
});
