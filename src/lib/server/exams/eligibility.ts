import { checkIdNumber } from '#lib/domain/identifiers.ts';

// 资格审查: whether a candidate may start (or resume) an attempt now, and if not, exactly why.

export type EligibilityFacts = {
	now: Date;
	session: {
		status: string;
		opensAt: Date;
		closesAt: Date;
		requireIdCheck: boolean;
		maxAttempts: number | null;
		accessCode: string | null;
	};
	onRoster: boolean;
	idCheckedAt: Date | null;
	person: { active: boolean; idNumber: string };
	/** The course the session names; null when the session requires no study. */
	course: { title: string; completed: boolean; creditedHours: number; requiredHours: number } | null;
	/** Finished attempts in this session, voided ones excluded. */
	finishedAttempts: number;
	passed: boolean;
	/** An attempt in progress may always be resumed while its clock runs. */
	inProgress: boolean;
	accessCodeGiven: string | null;
};

export type Eligibility = { ok: true } | { ok: false; reasons: string[] };

const fmt = (d: Date) => d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false });

export function checkEligibility(f: EligibilityFacts): Eligibility {
	if (!f.onRoster) return { ok: false, reasons: ['您不在本场考试的考生名单中，请联系培训机构报名。'] };
	if (f.session.status === 'cancelled') return { ok: false, reasons: ['本场考试已取消。'] };
	if (f.inProgress) return { ok: true };
	const reasons: string[] = [];
	if (f.now < f.session.opensAt) reasons.push(`考试尚未开始，开考时间为 ${fmt(f.session.opensAt)}。`);
	if (f.now >= f.session.closesAt) reasons.push(`考试已于 ${fmt(f.session.closesAt)} 结束。`);
	if (!f.person.active) reasons.push('您的人员档案已停用，请联系所在单位管理员。');
	if (checkIdNumber(f.person.idNumber)) reasons.push('您的身份证号未通过校验，请联系所在单位管理员更正后再考试。');
	if (f.session.requireIdCheck && !f.idCheckedAt) reasons.push('本场考试须由监考员现场核验身份证件，请向监考员出示身份证。');
	if (f.course && !f.course.completed) {
		reasons.push(`未完成课程《${f.course.title}》的学时：已完成 ${f.course.creditedHours.toFixed(1)} / ${f.course.requiredHours} 学时。`);
	}
	if (f.passed) reasons.push('您已通过本场考试，无需再考。');
	else if (f.session.maxAttempts !== null && f.finishedAttempts >= f.session.maxAttempts) {
		reasons.push(`本场考试最多可考 ${f.session.maxAttempts} 次（含补考），您已考 ${f.finishedAttempts} 次。`);
	}
	if (f.session.accessCode && f.accessCodeGiven !== null) {
		const given = f.accessCodeGiven.trim();
		if (!given) reasons.push('本场考试须输入考场口令，请向监考员索取。');
		else if (given.toUpperCase() !== f.session.accessCode.toUpperCase()) reasons.push('考场口令不正确。');
	}
	return reasons.length ? { ok: false, reasons } : { ok: true };
}
