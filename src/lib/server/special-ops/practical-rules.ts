// Whether a candidate may sit a practical exam (实际操作考试) on a date: the theory exam must be
// passed first (暂行办法 第九条), the pass is valid 12 months (暂行办法 第十条), and re-sits follow the
// regime in force on that date (30号令 until 2026-05-31: one re-sit, then retraining; 19号令 from
// 2026-06-01, press reports only: up to 5 practical attempts, then a new theory exam). The re-sit
// rules themselves are the shared data in exams/resit.ts.
import { canResit, findResitRule } from '../exams/resit.ts';

export const THEORY_VALID_MONTHS = 12;
const INTERIM = '《安全生产资格考试与证书管理暂行办法》';

export type PracticalHistory = {
	/** the exam date asked for (YYYY-MM-DD, China Standard Time) */
	date: string;
	/** the date the theory exam was passed, null when it was not */
	theoryPassedOn: string | null;
	/** earlier practical attempts of this application that have a final result */
	attempts: readonly { date: string; passed: boolean }[];
};

export type PracticalDecision = { allowed: true; attemptNo: number; ruleCode: string; attemptsLeft: number | null } | { allowed: false; reason: string };

/** The last day a theory pass of `passedOn` is valid for the practical exam. */
export function theoryValidUntil(passedOn: string): string {
	const [y, m, d] = passedOn.split('-').map(Number) as [number, number, number];
	const end = new Date(Date.UTC(y, m - 1 + THEORY_VALID_MONTHS, d));
	// the day before the same day 12 months later (31 March → 30 March next year; 29 Feb → 28 Feb)
	if (end.getUTCDate() !== d) end.setUTCDate(0);
	else end.setUTCDate(end.getUTCDate() - 1);
	return end.toISOString().slice(0, 10);
}

export function checkPracticalAllowed(h: PracticalHistory): PracticalDecision {
	if (!h.theoryPassedOn) return { allowed: false, reason: `安全生产知识考试（理论）尚未合格，合格后方可参加实际操作考试（${INTERIM}第九条）` };
	if (h.theoryPassedOn > h.date) return { allowed: false, reason: `理论考试合格日期 ${h.theoryPassedOn} 晚于实操考试日期 ${h.date}` };
	const until = theoryValidUntil(h.theoryPassedOn);
	if (h.date > until)
		return { allowed: false, reason: `理论考试合格成绩（${h.theoryPassedOn}）有效期为12个月，已于 ${until} 届满，须重新参加理论考试（${INTERIM}第十条）` };
	if (h.attempts.some((a) => a.passed)) return { allowed: false, reason: '实际操作考试已合格，无需再考' };
	const rule = findResitRule('special_work', 'practical', h.date);
	if (!rule) return { allowed: false, reason: '没有适用于特种作业实际操作考试的规则' };
	if (h.attempts.length === 0) return { allowed: true, attemptNo: 1, ruleCode: rule.code, attemptsLeft: rule.maxAttempts === null ? null : rule.maxAttempts - 1 };
	const resit = canResit({ certificateType: 'special_work', examKind: 'practical', attempts: h.attempts }, h.date);
	if (!resit.allowed) return { allowed: false, reason: resit.reason };
	return { allowed: true, attemptNo: resit.attemptNumber, ruleCode: resit.rule.code, attemptsLeft: resit.attemptsLeft === null ? null : resit.attemptsLeft - 1 };
}
