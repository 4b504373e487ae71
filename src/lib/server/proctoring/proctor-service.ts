import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import type { Scope } from '../auth/guards.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { insertEvents, lockAttempt } from '../exams/exam.repository.ts';
import { findSession, isSessionExaminer, type SessionRow } from '../exams/session.repository.ts';
import { finishAttempt } from '../exams/attempt-service.ts';
import type { Decision } from './integrity.ts';
import { queueItemStatsForPaper } from '../exams/grading-service.ts';
import { findAttemptSessionId, insertExamAction, markIdentityChecked, setAttemptDeadline, setAttemptDecision } from './proctoring.repository.ts';

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
	const sessionId = await findAttemptSessionId(db, attemptId);
	if (!sessionId) return null;
	const session = await findSession(db, sessionId);
	if (!session || !(await canProctorSession(db, scope, session))) return null;
	return session;
}

export type ProctorActionResult = { ok: true } | { ok: false; message: string };
export async function warnCandidate(db: Db, attemptId: number, message: string, actor: ScopedActor, now: Date): Promise<ProctorActionResult> {
	return withTransaction(db, async (tx) => {
		const attempt = await lockAttempt(tx, attemptId);
		if (!attempt || attempt.status !== 'in_progress') return { ok: false, message: '该考生不在考试中，无法发送警告' };
		await insertExamAction(tx, attemptId, { kind: 'warn', message, byUser: actor.userId, at: now });
		await insertEvents(tx, attemptId, [{ at: now, source: 'examiner', kind: 'warn', detail: { message } }]);
		await audit(tx, actor, now, 'exam.warn', `exam_attempt:${attemptId}`, { message });
		return { ok: true };
	});
}

export async function extendAttempt(db: Db, attemptId: number, minutes: number, reason: string, actor: ScopedActor, now: Date): Promise<ProctorActionResult> {
	return withTransaction(db, async (tx) => {
		const attempt = await lockAttempt(tx, attemptId);
		if (!attempt || attempt.status !== 'in_progress' || !attempt.deadline_at) return { ok: false, message: '该考生不在考试中，无法延长时间' };
		const seconds = minutes * 60;
		const deadline = new Date(Math.max(attempt.deadline_at.getTime(), now.getTime()) + seconds * 1000);
		await setAttemptDeadline(tx, attemptId, deadline, attempt.extended_seconds + seconds);
		await insertExamAction(tx, attemptId, { kind: 'extend', message: reason, seconds, byUser: actor.userId, at: now });
		await insertEvents(tx, attemptId, [{ at: now, source: 'examiner', kind: 'extend', detail: { minutes, reason, deadline: deadline.toISOString() } }]);
		await audit(tx, actor, now, 'exam.extend', `exam_attempt:${attemptId}`, { minutes, reason, deadline: deadline.toISOString() });
		return { ok: true };
	});
}

export async function terminateAttempt(db: Db, attemptId: number, reason: string, actor: ScopedActor, now: Date): Promise<ProctorActionResult> {
	// The action row and the audit entry are written in the finish's own transaction: all or nothing.
	const done = await finishAttempt(db, attemptId, 'terminated', now, { ...actor, message: reason });
	return done ? { ok: true } : { ok: false, message: '该考生不在考试中，无法终止' };
}

/** The examiner's decision on a finished attempt's integrity; the candidate sees it. Voided attempts count as not passed. */
export async function decideAttempt(db: Db, attemptId: number, decision: Decision, reason: string, actor: ScopedActor, now: Date): Promise<ProctorActionResult> {
	return withTransaction(db, async (tx) => {
		const attempt = await lockAttempt(tx, attemptId);
		if (!attempt || attempt.status !== 'finished') return { ok: false, message: '考试尚未结束，不能作出复核结论' };
		await setAttemptDecision(tx, attemptId, decision, reason, actor.userId, now);
		await insertEvents(tx, attemptId, [{ at: now, source: 'examiner', kind: 'decision', detail: { decision, reason } }]);
		await audit(tx, actor, now, 'exam.decision', `exam_attempt:${attemptId}`, { decision, reason, previous: attempt.decision });
		// A voided attempt leaves the item statistics (and one un-voided comes back): recompute its banks.
		if ((decision === 'voided') !== (attempt.decision === 'voided')) await queueItemStatsForPaper(tx, attempt.paper_id, now);
		return { ok: true };
	});
}

/** 考试点 identity check: the examiner saw the candidate's ID card. */
export async function checkCandidateIdentity(db: Db, sessionId: number, candidateId: number, actor: ScopedActor, now: Date): Promise<void> {
	if (!(await markIdentityChecked(db, sessionId, candidateId, actor.userId, now))) throw new Error('考生不在本场次名单中');
	await audit(db, actor, now, 'exam.id_check', `exam_candidate:${candidateId}`, {});
}
