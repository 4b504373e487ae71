// Exam identity: the start photo is matched against the person's reference. A mismatch never
// fails the candidate: it becomes an exam event 'face_mismatch' that computeIntegrityFlags turns
// into an integrity flag, decided by the examiner through the existing flag → decision flow.
import type { Db } from '../db/index.ts';
import { insertEvents, listEvents } from '../exams/exam.repository.ts';
import { computeIntegrityFlags, type IntegrityFlag } from '../exams/integrity.ts';
import { checkPhoto, faceStatus, FaceError, type Analyser } from './face-service.ts';
import type { FaceThresholds, FaceVerdict } from './rules.ts';

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
	await db.transaction().execute(async (tx) => {
		const a = await tx.selectFrom('exam_attempts').select(['status', 'flags', 'result', 'started_at', 'finished_at', 'session_id']).where('id', '=', attemptId).forUpdate().executeTakeFirst();
		if (!a || a.status !== 'finished' || a.flags === null) return; // grading will compute it
		const session = a.session_id ? await tx.selectFrom('exam_sessions').select('require_fullscreen').where('id', '=', a.session_id).executeTakeFirst() : undefined;
		const answered = Number((a.result as { answered?: number } | null)?.answered ?? 0);
		const face = computeIntegrityFlags(await listEvents(tx, attemptId), { startedAt: a.started_at, finishedAt: a.finished_at, answered, requireFullscreen: session?.require_fullscreen ?? false }).find(
			(f) => f.code === 'face_mismatch'
		);
		if (!face) return;
		const flags = [...((a.flags as IntegrityFlag[]) ?? []).filter((f) => f.code !== 'face_mismatch'), face];
		await tx.updateTable('exam_attempts').set({ flags: JSON.stringify(flags) }).where('id', '=', attemptId).execute();
	});
}
