import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { snapshotSchema } from '#lib/schemas/exam.ts';
import { findMyAttempt } from '#lib/server/exams/result.query.ts';
import { checkSnapshot, storeSnapshot } from '#lib/server/exams/snapshot-service.ts';
import { matchExamPhoto } from '#lib/server/face/exam-face.ts';
import { faceEngine } from '#lib/server/face/engine.ts';
import { faceThresholds } from '#lib/server/face/config.ts';
import { badRequest, decodeBase64, notFound, ok, parseBody, personOf, PHOTO_BODY_LIMIT } from '../../../http.ts';

/** A random webcam snapshot during an attempt of a session that requires the camera. */
export const POST: RequestHandler = async ({ locals, params, request }) => {
	const scope = requireApiRole(locals, 'learner');
	const personId = personOf(scope);
	if (personId instanceof Response) return personId;
	const attemptId = idParam(params.attemptId);
	if (!attemptId) return notFound();
	const body = await parseBody(request, snapshotSchema, PHOTO_BODY_LIMIT);
	if (!body.ok) return body.response;
	const image = decodeBase64(body.data.image);
	const problem = checkSnapshot(image);
	if (problem) return badRequest(`抓拍照片 image：${problem}`);
	const db = await getDb();
	const attempt = await findMyAttempt(db, attemptId, personId);
	if (!attempt) return notFound();
	if (attempt.status !== 'in_progress') return badRequest('考试已结束，不再接收抓拍照片', 409);
	if (!attempt.require_webcam) return badRequest('本场考试不要求摄像头抓拍', 409);
	if (attempt.client_id !== body.data.clientId) return badRequest('考试已在另一浏览器或设备上继续', 409);
	await storeSnapshot(db, { attemptId, personId, userId: scope.userId, kind: 'random', image }, now());
	// matched in the background; a mismatch becomes an integrity flag for the examiner
	matchExamPhoto(db, faceEngine(), faceThresholds(), { attemptId, personId, bytes: image }, now()).catch((err: unknown) => console.error('exam face match failed', err));
	return ok({ ok: true });
};
