// Pure rules of 考试点 scheduling (issue 13): room double-booking, seat/station numbering,
// 教考分离 and the 准考证号 printed under the admission notice's QR code. No database, no clock.

export type Interval = { opensAt: Date; closesAt: Date };

/** Two sessions in one room overlap when each opens before the other closes (back to back is fine). */
export function intervalsOverlap(a: Interval, b: Interval): boolean {
	return a.opensAt.getTime() < b.closesAt.getTime() && b.opensAt.getTime() < a.closesAt.getTime();
}

/**
 * The lowest free numbers 1..capacity for `count` new candidates (seats or stations), or null when
 * the room has fewer than `count` free places.
 */
export function allocateNumbers(taken: readonly number[], capacity: number, count: number): number[] | null {
	const used = new Set(taken);
	const out: number[] = [];
	for (let n = 1; n <= capacity && out.length < count; n++) if (!used.has(n)) out.push(n);
	return out.length === count ? out : null;
}

// 30号令 第六条 as read in /work/shared/sources (tezhong-zuoye-renyuan-anquan-jishu-peixun-kaohe-guanli-guiding-30hao.md).
export const SEPARATION_BASIS = '《特种作业人员安全技术培训考核管理规定》（30号令）第六条：特种作业人员的安全技术培训、考核、发证、复审工作实行统一监管、分级实施、教考分离的原则';

export type TaughtConflict = { examinerName: string; cohortName: string; candidateNames: string[] };

/** The refusal shown on the scheduling screen when an examiner taught a candidate's cohort. */
export function separationMessage(conflicts: readonly TaughtConflict[]): string {
	const parts = conflicts.map((c) => `考评员${c.examinerName}是培训班“${c.cohortName}”的授课教师，不能考核该班学员${c.candidateNames.join('、')}`);
	return `${parts.join('；')}。依据${SEPARATION_BASIS}。`;
}

export type AdmissionPart = 'theory' | 'practical';

/** 准考证号 / QR text: AX-ZK-P-<practicalSessionId>-<applicationId> or AX-ZK-T-<examSessionId>-<applicationId>. */
export function admissionCode(part: AdmissionPart, sessionId: number, applicationId: number): string {
	return `AX-ZK-${part === 'practical' ? 'P' : 'T'}-${sessionId}-${applicationId}`;
}

export function parseAdmissionCode(text: string): { part: AdmissionPart; sessionId: number; applicationId: number } | null {
	const m = /^AX-ZK-([PT])-([1-9]\d{0,9})-([1-9]\d{0,9})$/.exec(text.trim().toUpperCase());
	if (!m) return null;
	const sessionId = Number(m[2]);
	const applicationId = Number(m[3]);
	if (sessionId > 2_147_483_647 || applicationId > 2_147_483_647) return null;
	return { part: m[1] === 'P' ? 'practical' : 'theory', sessionId, applicationId };
}
