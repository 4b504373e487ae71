import type { Db } from '../db/index.ts';
import type { Decision } from './integrity.ts';

// SQL of what examiners do to an attempt (proctor-service.ts): the actions log, deadline, decision, identity check.

export async function findAttemptSessionId(db: Db, attemptId: number): Promise<number | null> {
	const attempt = await db.selectFrom('exam_attempts').select(['session_id']).where('id', '=', attemptId).executeTakeFirst();
	return attempt?.session_id ?? null;
}

export type ExamAction = { kind: 'warn' | 'extend' | 'terminate'; message: string; seconds?: number; byUser: number; at: Date };

/** Appends to the examiners' actions on an attempt (append-only). */
export async function insertExamAction(db: Db, attemptId: number, action: ExamAction): Promise<void> {
	await db
		.insertInto('exam_actions')
		.values({ attempt_id: attemptId, kind: action.kind, message: action.message, ...(action.seconds === undefined ? {} : { seconds: action.seconds }), by_user: action.byUser, at: action.at })
		.execute();
}

export async function setAttemptDeadline(db: Db, attemptId: number, deadline: Date, extendedSeconds: number): Promise<void> {
	await db.updateTable('exam_attempts').set({ deadline_at: deadline, extended_seconds: extendedSeconds }).where('id', '=', attemptId).execute();
}

export async function setAttemptDecision(db: Db, attemptId: number, decision: Decision, reason: string, decidedBy: number, now: Date): Promise<void> {
	await db.updateTable('exam_attempts').set({ decision, decision_reason: reason, decided_by: decidedBy, decided_at: now }).where('id', '=', attemptId).execute();
}

/** Records the examiner's identity check; false when the candidate is not on the session's roster. */
export async function markIdentityChecked(db: Db, sessionId: number, candidateId: number, checkedBy: number, now: Date): Promise<boolean> {
	const r = await db.updateTable('exam_candidates').set({ id_checked_at: now, id_checked_by: checkedBy }).where('id', '=', candidateId).where('session_id', '=', sessionId).executeTakeFirst();
	return Number(r.numUpdatedRows) === 1;
}
