import type { Db } from '../db/index.ts';
import type { Scope } from '../auth/guards.ts';
import { appendAudit } from '../audit/audit.ts';
import { insertEvents, lockAttempt } from './exam.repository.ts';
import { findSession, isSessionExaminer, type SessionRow } from './session.repository.ts';
import { finishAttempt } from './attempt-service.ts';
import type { Decision } from './integrity.ts';
import { queueItemStatsForPaper } from './grading-service.ts';

// What examiners do to a live attempt: warn, extend, terminate; and, afterwards, the decision on
// its integrity flags. Every action is in the audit log and on the attempt's timeline.

/** Institution admins of the owning institution, and the examiners assigned to the session. */
export async function canProctorSession(db: Db, scope: Pick<Scope, 'role' | 'orgId' | 'userId'>, session: Pick<SessionRow, 'id' | 'owner_org_id'>): Promise<boolean> {
	if (scope.orgId !== session.owner_org_id) return false;
	if (scope.role === 'institution_admin') return true;
	return scope.role === 'examiner' && (await isSessionExaminer(db, session.id, scope.userId));
}

/** The session of an attempt if the caller may proctor it; null otherwise (treated as not found). */
export async function proctoredSessionOfAttempt(db: Db, scope: Pick<Scope, 'role' | 'orgId' | 'userId'>, attemptId: number): Promise<SessionRow | null> {
	const attempt = await db.selectFrom('exam_attempts').select(['session_id']).where('id', '=', attemptId).executeTakeFirst();
	if (!attempt?.session_id) return null;
	const session = await findSession(db, attempt.session_id);
	if (!session || !(await canProctorSession(db, scope, session))) return null;
	return session;
}

export type ProctorActionResult = { ok: true } | { ok: false; message: string };
type Actor = { userId: number; role: string; ip: string | null };

export async function warnCandidate(db: Db, attemptId: number, message: string, actor: Actor, now: Date): Promise<ProctorActionResult> {
	return db.transaction().execute(async (tx) => {
		const attempt = await lockAttempt(tx, attemptId);
		if (!attempt || attempt.status !== 'in_progress') return { ok: false, message: '该考生不在考试中，无法发送警告' };
		await tx.insertInto('exam_actions').values({ attempt_id: attemptId, kind: 'warn', message, by_user: actor.userId, at: now }).execute();
		await insertEvents(tx, attemptId, [{ at: now, source: 'examiner', kind: 'warn', detail: { message } }]);
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'exam.warn', target: `exam_attempt:${attemptId}`, detail: { message }, ip: actor.ip });
		return { ok: true };
	});
}

export async function extendAttempt(db: Db, attemptId: number, minutes: number, reason: string, actor: Actor, now: Date): Promise<ProctorActionResult> {
	return db.transaction().execute(async (tx) => {
		const attempt = await lockAttempt(tx, attemptId);
		if (!attempt || attempt.status !== 'in_progress' || !attempt.deadline_at) return { ok: false, message: '该考生不在考试中，无法延长时间' };
		const seconds = minutes * 60;
		const deadline = new Date(Math.max(attempt.deadline_at.getTime(), now.getTime()) + seconds * 1000);
		await tx.updateTable('exam_attempts').set({ deadline_at: deadline, extended_seconds: attempt.extended_seconds + seconds }).where('id', '=', attemptId).execute();
		await tx.insertInto('exam_actions').values({ attempt_id: attemptId, kind: 'extend', message: reason, seconds, by_user: actor.userId, at: now }).execute();
		await insertEvents(tx, attemptId, [{ at: now, source: 'examiner', kind: 'extend', detail: { minutes, reason, deadline: deadline.toISOString() } }]);
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'exam.extend', target: `exam_attempt:${attemptId}`, detail: { minutes, reason, deadline: deadline.toISOString() }, ip: actor.ip });
		return { ok: true };
	});
}

export async function terminateAttempt(db: Db, attemptId: number, reason: string, actor: Actor, now: Date): Promise<ProctorActionResult> {
	// The action row and the audit entry are written in the finish's own transaction: all or nothing.
	const done = await finishAttempt(db, attemptId, 'terminated', now, { userId: actor.userId, role: actor.role, message: reason, ip: actor.ip });
	return done ? { ok: true } : { ok: false, message: '该考生不在考试中，无法终止' };
}

/** The examiner's decision on a finished attempt's integrity; the candidate sees it. Voided attempts count as not passed. */
export async function decideAttempt(db: Db, attemptId: number, decision: Decision, reason: string, actor: Actor, now: Date): Promise<ProctorActionResult> {
	return db.transaction().execute(async (tx) => {
		const attempt = await lockAttempt(tx, attemptId);
		if (!attempt || attempt.status !== 'finished') return { ok: false, message: '考试尚未结束，不能作出复核结论' };
		await tx.updateTable('exam_attempts').set({ decision, decision_reason: reason, decided_by: actor.userId, decided_at: now }).where('id', '=', attemptId).execute();
		await insertEvents(tx, attemptId, [{ at: now, source: 'examiner', kind: 'decision', detail: { decision, reason } }]);
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'exam.decision', target: `exam_attempt:${attemptId}`, detail: { decision, reason, previous: attempt.decision }, ip: actor.ip });
		// A voided attempt leaves the item statistics (and one un-voided comes back): recompute its banks.
		if ((decision === 'voided') !== (attempt.decision === 'voided')) await queueItemStatsForPaper(tx, attempt.paper_id, now);
		return { ok: true };
	});
}

/** 考试点 identity check: the examiner saw the candidate's ID card. */
export async function checkCandidateIdentity(db: Db, sessionId: number, candidateId: number, actor: Actor, now: Date): Promise<void> {
	const r = await db.updateTable('exam_candidates').set({ id_checked_at: now, id_checked_by: actor.userId }).where('id', '=', candidateId).where('session_id', '=', sessionId).executeTakeFirst();
	if (Number(r.numUpdatedRows) !== 1) throw new Error('考生不在本场次名单中');
	await appendAudit(db, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'exam.id_check', target: `exam_candidate:${candidateId}`, detail: {}, ip: actor.ip });
}
