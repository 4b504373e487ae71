import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { studyFaceSchema } from '#lib/schemas/face.ts';
import { clientInfo } from '#lib/server/study/http.ts';
import { badRequest, parseBody } from '../../exam/http.ts';
import { answerFace, snapshotOf } from '../../face-http.ts';
import { submitStudySnapshot } from '#lib/server/face/face-service.ts';
import { faceEngine } from '#lib/server/face/engine.ts';
import { faceThresholds } from '#lib/server/face/config.ts';

const STUDY_FACE_BODY_LIMIT = 900 * 1024;

/** A learner's snapshot for a pending face check of their own study lease, matched on the server. */
export const POST: RequestHandler = async ({ locals, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	if (scope.personId === null) return badRequest('当前账号没有关联学员档案，不能计学时。', 403);
	const body = await parseBody(request, studyFaceSchema, STUDY_FACE_BODY_LIMIT);
	if (!body.ok) return body.response;
	const photo = snapshotOf(body.data);
	if ('response' in photo) return photo.response;
	const client = clientInfo(request, getClientAddress);
	const input = { personId: scope.personId, checkId: body.data.checkId, tabId: body.data.tabId, bytes: photo.bytes, ip: client.ip, device: client.device };
	const db = await getDb();
	return answerFace(() => submitStudySnapshot(db, faceEngine(), faceThresholds(), input, now()));
};
