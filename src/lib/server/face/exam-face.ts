// Exam identity: the start photo is matched against the person's reference. A mismatch never
// fails the candidate: it becomes an exam event 'face_mismatch' that computeIntegrityFlags turns
// into an integrity flag, decided by the examiner through the existing flag → decision flow.
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { insertEvents, listEvents } from '../exams/exam.repository.ts';
import { computeIntegrityFlags } from '../proctoring/integrity.ts';
import { checkPhoto, faceStatus, FaceError, type Analyser } from './face-service.ts';
import type { FaceThresholds, FaceVerdict } from './rules.ts';
import { lockAttemptForFlags, sessionRequiresFullscreen, setAttemptFlags } from './face.repository.ts';

export async function matchExamPhoto(
	db: Db,
	engine: Analyser,
	t: FaceThresholds,
	input: { attemptId: number; personId: number; bytes: Uint8Array },
	now: Date
): Promise<(FaceVerdict & { checkId: number }) | null> {
	if (!(await faceStatus(db, input.personId)).active) return null; // not consented / no reference: the examiner's eyes only
	let v: FaceVerdict & { checkId: number };
	try {
		v = await checkPhoto(db, engine, t, { personId: input.personId, bytes: input.bytes, context: 'exam', attemptId: input.attemptId }, now);
	} catch (err) {
		if (err instanceof FaceError) return null;
		throw err;
	}
	if (v.outcome !== 'matched') {
		await insertEvents(db, input.attemptId, [{ at: now, source: 'server', kind: 'face_mismatch', detail: { faceCheckId: v.checkId, outcome: v.outcome, score: v.score } }]);
		await refreshFaceFlag(db, input.attemptId);
	}
	return v;
}

/**
 * The match runs in the background: the candidate may have submitted (and the attempt been
 * graded, its flags stored) before the result arrives. Then the stored flags get the face flag.
 */
async function refreshFaceFlag(db: Db, attemptId: number): Promise<void> {
	await withTransaction(db, async (tx) => {
		const a = await lockAttemptForFlags(tx, attemptId);
		if (!a || a.status !== 'finished' || a.flags === null) return; // grading will compute it
		const requireFullscreen = a.session_id ? await sessionRequiresFullscreen(tx, a.session_id) : false;
		const answered = Number((a.result as { answered?: number } | null)?.answered ?? 0);
		const face = computeIntegrityFlags(await listEvents(tx, attemptId), { startedAt: a.started_at, finishedAt: a.finished_at, answered, requireFullscreen }).find((f) => f.code === 'face_mismatch');
		if (!face) return;
		const flags = [...a.flags.filter((f) => f.code !== 'face_mismatch'), face];
		await setAttemptFlags(tx, attemptId, flags);
	});
}
