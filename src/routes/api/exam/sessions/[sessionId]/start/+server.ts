import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { startSchema } from '#lib/schemas/exam.ts';
import { startAttempt } from '#lib/server/exams/attempt-service.ts';
import { checkSnapshot } from '#lib/server/exams/snapshot-service.ts';
import { matchExamPhoto } from '#lib/server/face/exam-face.ts';
import { faceEngine } from '#lib/server/face/engine.ts';
import { faceThresholds } from '#lib/server/face/config.ts';
import { badRequest, clientContext, decodeBase64, ok, parseBody, personOf, PHOTO_BODY_LIMIT } from '../../../http.ts';

export const POST: RequestHandler = async ({ locals, params, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	const personId = personOf(scope);
	if (personId instanceof Response) return personId;
	const sessionId = idParam(params.sessionId);
	if (!sessionId) return badRequest('没有这场考试', 404);
	const body = await parseBody(request, startSchema, PHOTO_BODY_LIMIT);
	if (!body.ok) return body.response;
	const photo = body.data.identityPhoto ? decodeBase64(body.data.identityPhoto) : null;
	const photoProblem = photo && checkSnapshot(photo);
	if (photoProblem) return badRequest(`身份照片 identityPhoto：${photoProblem}`);
	const result = await startAttempt(
		await getDb(),
		{ sessionId, personId, userId: scope.userId, accessCode: body.data.accessCode ?? '', client: clientContext(request, getClientAddress, body.data.clientId), identityPhoto: photo },
		now()
	);
	if (!result.ok) return ok({ message: result.reasons.join(''), reasons: result.reasons }, 403);
	if (photo && !result.resumed) {
		// matched in the background: the start is not delayed; a mismatch becomes an integrity flag
		const db = await getDb();
		matchExamPhoto(db, faceEngine(), faceThresholds(), { attemptId: result.attemptId, personId, bytes: photo }, now()).catch((err: unknown) =>
			console.error('exam face match failed', err)
		);
	}
	return ok({ attemptId: result.attemptId, resumed: result.resumed });
};
