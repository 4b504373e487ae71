// Exam identity: the start photo is matched against the person's reference. A mismatch never
// fails the candidate: it becomes an exam event 'face_mismatch' that computeIntegrityFlags turns
// into an integrity flag, decided by the examiner through the existing flag → decision flow.
import type { Db } from '../db/index.ts';
import { insertEvents } from '../exams/exam.repository.ts';
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
	}
	return v;
}
