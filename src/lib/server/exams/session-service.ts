import type { Db } from '../db/index.ts';
import type { Scope } from '../auth/guards.ts';
import { withTransaction } from '../db/transaction.ts';
import { enqueueJob } from '../jobs/queue.ts';
import { checkIdNumber, ID_NUMBER_MESSAGES, maskIdNumber } from '../../domain/identifiers.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { CERTIFICATE_TYPE_LABELS, EXAM_KIND_LABELS, findResitRule, type ResitRule } from './resit.ts';
import { isStatutoryCertificate, type SessionForm } from '../../schemas/exam-admin.ts';
import { prepareSessionPapers } from './paper-service.ts';
import {
	countSessionAttempts,
	deleteCandidate,
	deleteWaitingAttempt,
	findCourseSummary,
	findOwnBlueprintKind,
	findOwnCandidate,
	findPersonsByIdNumbers,
	findSession,
	getSessionBlueprint,
	insertCandidates,
	insertSession,
	insertSessionExaminers,
	isOwnPublishedCourse,
	listOrgExaminers,
	listOrgSessions,
	listRoster,
	listSessionExaminers,
	lockCandidateAttempts,
	lockSession,
	markSessionCancelled,
	replaceSessionExaminers,
	type SessionRow
} from './session.repository.ts';
import { canProctorSession } from '../proctoring/proctor-service.ts';
import { notifyExamScheduled } from '../notifications/producers.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { theoryExaminerRefusal } from '../special-ops/separation-check.ts';

// Exam sessions (场次) of an institution: creation, roster, examiners, paper preparation, cancel.

export type ResitDefault = { maxAttempts: number | null; rule: ResitRule | null; explanation: string };

/** Attempts allowed by default: the 补考 rule in force on the day the session opens (China Standard Time). */
export function defaultAttempts(certificateType: string, examKind: string, opensAt: Date): ResitDefault {
	if (!isStatutoryCertificate(certificateType)) {
		return { maxAttempts: 2, rule: null, explanation: '非法定资格考试，没有全国统一的补考规则；默认允许补考1次（共2次），可按本机构规定修改。' };
	}
	const kind = examKind === 'practical' ? 'practical' : 'theory';
	const rule = findResitRule(certificateType, kind, shanghaiDate(opensAt));
	const exam = `${CERTIFICATE_TYPE_LABELS[certificateType]}${EXAM_KIND_LABELS[kind]}`;
	if (!rule) return { maxAttempts: 2, rule: null, explanation: `未找到适用于${exam}的补考规则；默认允许补考1次（共2次），请按考核机关要求设定。` };
	const times = rule.maxAttempts === null ? '不限次数' : `共 ${rule.maxAttempts} 次（含首次考试）`;
	const article = rule.basisArticle === '条款号未查到' ? '' : rule.basisArticle;
	return { maxAttempts: rule.maxAttempts, rule, explanation: `按${rule.basisDoc}${article}，${exam}${times}（开考日 ${shanghaiDate(opensAt)} 适用）。` };
}

export type SessionSaveResult = { ok: true; sessionId: number } | { ok: false; errors: Record<string, string> };

export { listOrgExaminers as listInstitutionExaminers, listOwnPublishedCourses, findSessionCandidate } from './session.repository.ts';

/** The audit entry of a session change. */
function auditSession(db: Db, actor: ScopedActor, now: Date, action: string, sessionId: number, detail: Record<string, unknown>) {
	return audit(db, actor, now, action, `exam_session:${sessionId}`, detail);
}

async function enqueuePrepare(db: Db, sessionId: number, now: Date) {
	await enqueueJob(db, { kind: 'prepare-papers', dedupeKey: `session:${sessionId}`, payload: { sessionId }, runAfter: now, now });
}

export async function createSession(db: Db, actor: ScopedActor, input: SessionForm, now: Date): Promise<SessionSaveResult> {
	const errors: Record<string, string> = {};
	const blueprint = await findOwnBlueprintKind(db, actor.orgId, input.blueprintId);
	if (!blueprint) errors.blueprintId = '组卷策略不存在';
	if (input.courseId && !(await isOwnPublishedCourse(db, actor.orgId, input.courseId))) errors.courseId = '课程不存在或未发布';
	const allowed = new Set((await listOrgExaminers(db, actor.orgId)).map((e) => e.id));
	if (input.examinerIds.some((id) => !allowed.has(id))) errors.examinerIds = '所选考评员不是本机构的考评员';
	if (!blueprint || Object.keys(errors).length) return { ok: false, errors };

	const maxAttempts =
		input.maxAttempts === 'unlimited' ? null : input.maxAttempts === 'default' || input.maxAttempts === '' ? defaultAttempts(blueprint.certificate_type, blueprint.exam_kind, input.opensAt).maxAttempts : Number(input.maxAttempts);
	// joins the caller's transaction (特种作业 scheduling locks the room and sets room_id in the same one)
	return withTransaction(db, async (tx) => {
		const sessionId = await insertSession(tx, {
			owner_org_id: actor.orgId,
			blueprint_id: blueprint.id,
			course_id: input.courseId ?? null,
			name: input.name,
			mode: input.mode,
			exam_point: input.mode === 'exam_point' ? input.examPoint : null,
			opens_at: input.opensAt,
			closes_at: input.closesAt,
			access_code: input.accessCode || null,
			paper_mode: input.paperMode,
			max_attempts: maxAttempts,
			require_fullscreen: input.requireFullscreen,
			require_webcam: input.requireWebcam,
			require_id_check: input.requireIdCheck,
			allow_new_device: input.allowNewDevice,
			review_policy: input.reviewPolicy,
			created_by: actor.userId,
			created_at: now
		});
		const examinerIds = [...new Set(input.examinerIds)];
		await insertSessionExaminers(tx, sessionId, examinerIds);
		await enqueuePrepare(tx, sessionId, now);
		await auditSession(tx, actor, now, 'exam.session_create', sessionId, {
			name: input.name,
			blueprintId: blueprint.id,
			opensAt: input.opensAt.toISOString(),
			closesAt: input.closesAt.toISOString(),
			maxAttempts,
			examinerIds
		});
		return { ok: true as const, sessionId };
	});
}

/** The session if the caller may see it (admins of the institution, its assigned examiners); undefined = 404. */
export async function findVisibleSession(db: Db, scope: Pick<Scope, 'role' | 'orgId' | 'userId'>, sessionId: number): Promise<SessionRow | undefined> {
	if (!Number.isInteger(sessionId) || sessionId <= 0) return undefined;
	const session = await findSession(db, sessionId);
	if (!session || !(await canProctorSession(db, scope, session))) return undefined;
	return session;
}

/** Sessions list: admins see all of the institution's; examiners the sessions they are assigned to. */
export async function listSessions(db: Db, scope: Pick<Scope, 'role' | 'orgId' | 'userId'>) {
	return listOrgSessions(db, scope.orgId, scope.role === 'institution_admin' ? null : scope.userId);
}

export async function sessionOverview(db: Db, session: SessionRow) {
	const blueprint = await getSessionBlueprint(db, session.blueprint_id);
	const course = session.course_id ? await findCourseSummary(db, session.course_id) : null;
	const examiners = await listSessionExaminers(db, session.id);
	const roster = await listRoster(db, session.id);
	return {
		blueprint: { id: blueprint.id, name: blueprint.name, certificateType: blueprint.certificate_type, examKind: blueprint.exam_kind, durationMinutes: (blueprint.definition as { durationMinutes: number }).durationMinutes },
		course,
		examiners,
		roster: roster.map((r) => ({ id: r.id, personId: r.person_id, name: r.name, idNumber: maskIdNumber(r.id_number), org: r.org, idCheckedAt: r.id_checked_at, attempts: r.attempts, ready: r.ready > 0 }))
	};
}

export type RosterResult = { ok: true; added: number; alreadyOnRoster: number } | { ok: false; errors: string[] };

/**
 * Adds candidates by 身份证号, one per line. All or nothing: any invalid or unknown number
 * refuses the whole paste, every problem with its line number. Numbers already on the roster are skipped.
 */
export async function addCandidatesByIdNumbers(db: Db, actor: ScopedActor, sessionId: number, text: string, now: Date): Promise<RosterResult> {
	const session = await findSession(db, sessionId);
	if (!session || session.owner_org_id !== actor.orgId) return { ok: false, errors: ['场次不存在'] };
	if (session.status === 'cancelled') return { ok: false, errors: ['场次已取消，不能添加考生'] };
	const errors: string[] = [];
	const wanted: { line: number; idNumber: string }[] = [];
	text.split(/\r?\n/).forEach((raw, i) => {
		const idNumber = raw.trim().replace(/\s+/g, '').toUpperCase();
		if (!idNumber) return;
		const problem = checkIdNumber(idNumber);
		if (problem) errors.push(`第 ${i + 1} 行：${ID_NUMBER_MESSAGES[problem]}（${raw.trim().slice(0, 30)}）`);
		else wanted.push({ line: i + 1, idNumber });
	});
	if (!wanted.length && !errors.length) return { ok: false, errors: ['请粘贴身份证号，每行一个'] };
	const numbers = [...new Set(wanted.map((w) => w.idNumber))];
	const persons = await findPersonsByIdNumbers(db, numbers);
	const byNumber = new Map(persons.map((p) => [p.id_number, p]));
	for (const w of wanted) {
		const p = byNumber.get(w.idNumber);
		if (!p) errors.push(`第 ${w.line} 行：平台上没有身份证号为 ${maskIdNumber(w.idNumber)} 的人员，请先由其所在单位登记`);
		else if (!p.active) errors.push(`第 ${w.line} 行：身份证号为 ${maskIdNumber(w.idNumber)} 的人员已停用`);
	}
	if (errors.length) return { ok: false, errors };
	const personIds = [...new Set(persons.map((p) => p.id))];
	return withTransaction(db, async (tx) => {
		const added = await insertCandidates(tx, sessionId, personIds, actor.userId, now);
		if (added.length) await enqueuePrepare(tx, sessionId, now);
		await notifyExamScheduled(tx, sessionId, added, now);
		await auditSession(tx, actor, now, 'exam.roster_add', sessionId, { added, skipped: personIds.length - added.length });
		return { ok: true as const, added: added.length, alreadyOnRoster: personIds.length - added.length };
	});
}

/** Removes a candidate who has not started: the waiting paper (if any) goes too. */
export async function removeCandidate(db: Db, actor: ScopedActor, sessionId: number, candidateId: number, now: Date): Promise<{ ok: true } | { ok: false; message: string }> {
	return withTransaction(db, async (tx) => {
		await lockSession(tx, sessionId);
		const candidate = await findOwnCandidate(tx, actor.orgId, sessionId, candidateId);
		if (!candidate) return { ok: false as const, message: '考生不在本场次名单中' };
		const attempts = await lockCandidateAttempts(tx, candidateId);
		if (attempts.some((a) => a.status !== 'ready')) return { ok: false as const, message: '该考生已开始考试，不能移出名单' };
		const session = await findSession(tx, sessionId);
		// A per-candidate paper belongs to this candidate only; the fixed paper is shared.
		for (const a of attempts) await deleteWaitingAttempt(tx, a.id, a.paper_id, session?.paper_mode === 'per_candidate');
		await deleteCandidate(tx, candidateId);
		await auditSession(tx, actor, now, 'exam.roster_remove', sessionId, { personId: candidate.person_id });
		return { ok: true as const };
	});
}

export async function setSessionExaminers(db: Db, actor: ScopedActor, sessionId: number, examinerIds: readonly number[], now: Date): Promise<{ ok: true } | { ok: false; message: string }> {
	const session = await findSession(db, sessionId);
	if (!session || session.owner_org_id !== actor.orgId) return { ok: false, message: '场次不存在' };
	const allowed = new Set((await listOrgExaminers(db, actor.orgId)).map((e) => e.id));
	const ids = [...new Set(examinerIds)];
	if (ids.some((id) => !allowed.has(id))) return { ok: false, message: '所选人员不是本机构的考评员' };
	const taught = await theoryExaminerRefusal(db, sessionId, ids);
	if (taught) return { ok: false, message: taught };
	await withTransaction(db, async (tx) => {
		await replaceSessionExaminers(tx, sessionId, ids);
		await auditSession(tx, actor, now, 'exam.examiners_set', sessionId, { examinerIds: ids });
	});
	return { ok: true };
}

/** Prepares papers now (the button); the queued job does the same later and finds nothing to do. */
export async function prepareSessionPapersNow(db: Db, actor: ScopedActor, sessionId: number, now: Date): Promise<{ ok: true; prepared: number; waiting: number } | { ok: false; message: string }> {
	const session = await findSession(db, sessionId);
	if (!session || session.owner_org_id !== actor.orgId) return { ok: false, message: '场次不存在' };
	if (session.status === 'cancelled') return { ok: false, message: '场次已取消' };
	const prepared = await prepareSessionPapers(db, sessionId, now);
	const waiting = await countSessionAttempts(db, sessionId, 'ready');
	await auditSession(db, actor, now, 'exam.papers_prepare', sessionId, { prepared });
	return { ok: true, prepared, waiting };
}

export async function cancelSession(db: Db, actor: ScopedActor, sessionId: number, reason: string, now: Date): Promise<{ ok: true } | { ok: false; message: string }> {
	return withTransaction(db, async (tx) => {
		if (!(await markSessionCancelled(tx, actor.orgId, sessionId))) return { ok: false as const, message: '场次不存在或已取消' };
		// Papers waiting for candidates are no longer needed; started attempts stay as they are.
		const inProgress = await countSessionAttempts(tx, sessionId, 'in_progress');
		await auditSession(tx, actor, now, 'exam.session_cancel', sessionId, { reason, inProgress });
		return { ok: true as const };
	});
}
