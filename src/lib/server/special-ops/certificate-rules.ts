// Pure rules for the end of the 特种作业 path: when a 特种作业操作证 may be proposed, the 换证 window,
// and who must sit a practical re-test before returning to the post. Dates are passed in.
import { addMonths, daysBetween } from '../certificates/rules.ts';

/** 暂行办法 第十条: a passed result is valid 12 months (FACTS §3, [法条]). */
export const THEORY_VALIDITY_MONTHS = 12;
export const THEORY_VALIDITY_BASIS = '《安全生产资格考试与证书管理暂行办法》第十条（考试合格成绩有效期12个月）';

/** 30号令 第三十二条: away from the post 6 months or more → practical re-test before returning. */
export const ABSENCE_RETEST_MONTHS = 6;
export const RETURN_TO_POST_BASIS = '《特种作业人员安全技术培训考核管理规定》（30号令）第三十二条';

/** Expiry list buckets (days before valid_until). The 19号令 application window was not found: configurable, 未核实. */
export const RENEWAL_NOTICE_DAYS = [90, 30] as const;

export type TheoryFact = { finishedAt: Date } | null;
export type PracticalFact = { status: string; passed: boolean | null; finalisedAt: Date | null } | null;

/** The Shanghai calendar date of an instant (YYYY-MM-DD). */
function cstDate(at: Date): string {
	return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

/**
 * What keeps an initial application from a certificate proposal, in Chinese; [] = may propose.
 * Both parts of the same application must be passed, the practical final (signed off), and the
 * practical taken within 12 months of the theory pass.
 */
export function proposalGaps(theory: TheoryFact, practical: PracticalFact): string[] {
	const gaps: string[] = [];
	if (!theory) gaps.push('安全生产知识考试（理论）未通过');
	if (!practical) gaps.push('实际操作考试未通过');
	else if (practical.status !== 'final' || !practical.finalisedAt) gaps.push('实际操作考试成绩尚未确认（考评员未全部签名）');
	else if (practical.passed !== true) gaps.push('实际操作考试未通过');
	if (theory && practical?.finalisedAt && practical.passed === true && practical.status === 'final') {
		const theoryOn = cstDate(theory.finishedAt);
		const limit = addMonths(theoryOn, THEORY_VALIDITY_MONTHS);
		if (cstDate(practical.finalisedAt) > limit) gaps.push(`实际操作考试晚于理论考试合格后12个月（理论合格 ${theoryOn}，有效至 ${limit}，${THEORY_VALIDITY_BASIS}）`);
	}
	return gaps;
}

/** 换证 (renewal) application: only the holder's own issued certificate for the same item, not yet replaced. */
export function renewalGaps(prev: { status: string; validUntil: string | null; type: string } | null, theory: TheoryFact, today: string): string[] {
	const gaps: string[] = [];
	if (!prev) return ['换证申请未关联原证书'];
	if (prev.type !== 'special_work') gaps.push('原证书不是特种作业操作证');
	if (prev.status !== 'issued') gaps.push('原证书不是有效状态（已撤销或未发放）');
	if (!theory) gaps.push('换证考试（安全生产知识）未通过');
	else if (addMonths(cstDate(theory.finishedAt), THEORY_VALIDITY_MONTHS) < today) gaps.push('换证考试合格成绩已超过12个月');
	return gaps;
}

export type ExpiryBucket = 'expired' | 'within30' | 'within90' | null;

/** Which list a certificate valid until `validUntil` appears on `today`. */
export function expiryBucket(validUntil: string, today: string): ExpiryBucket {
	if (validUntil < today) return 'expired';
	const days = daysBetween(today, validUntil);
	if (days <= RENEWAL_NOTICE_DAYS[1]) return 'within30';
	if (days <= RENEWAL_NOTICE_DAYS[0]) return 'within90';
	return null;
}

export const EXPIRY_BUCKET_LABELS: Record<Exclude<ExpiryBucket, null>, string> = { expired: '已过期', within30: '30天内到期', within90: '90天内到期' };

export type Absence = { leftOn: string; returnedOn: string | null };

/** The absence that demands a re-test (≥ 6 months away), the latest one; null when none does. */
export function retestAbsence(absences: Absence[], today: string): Absence | null {
	const long = absences
		.filter((a) => addMonths(a.leftOn, ABSENCE_RETEST_MONTHS) <= (a.returnedOn ?? today))
		.sort((a, b) => (a.leftOn < b.leftOn ? 1 : -1));
	return long[0] ?? null;
}

/**
 * Does the worker still need the practical re-test? Yes while the long absence has no passed, final
 * practical exam recorded on or after the day they left.
 */
export function needsPracticalRetest(absences: Absence[], passedPracticalDates: string[], today: string): { needed: boolean; absence: Absence | null } {
	const absence = retestAbsence(absences, today);
	if (!absence) return { needed: false, absence: null };
	const cleared = passedPracticalDates.some((d) => d >= absence.leftOn);
	return { needed: !cleared, absence };
}

/** Days away so far (to the return date or today). */
export function daysAway(a: Absence, today: string): number {
	return daysBetween(a.leftOn, a.returnedOn ?? today);
}
