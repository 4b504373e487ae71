import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { studyFaceSchema } from '#lib/schemas/face.ts';
import { clientInfo } from '#lib/server/study/http.ts';
import { badRequest, decodeBase64, ok, parseBody } from '../../exam/http.ts';
import { FaceError, submitStudySnapshot } from '#lib/server/face/face-service.ts';
import { FaceBusyError, FaceImageError, faceEngine } from '#lib/server/face/engine.ts';
import { faceThresholds } from '#lib/server/face/config.ts';
import { checkFaceImage } from '#lib/server/face/image.ts';

const STUDY_FACE_BODY_LIMIT = 900 * 1024;

/** A learner's snapshot for a pending face check of their own study lease, matched on the server. */
export const POST: RequestHandler = async ({ locals, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	if (scope.personId === null) return badRequest('当前账号没有关联学员档案，不能计学时。', 403);
	const body = await parseBody(request, studyFaceSchema, STUDY_FACE_BODY_LIMIT);
	if (!body.ok) return body.response;
	let bytes: Uint8Array | null = null;
	if ('image' in body.data) {
		bytes = decodeBase64(body.data.image);
		const problem = checkFaceImage(bytes);
		if (problem) return badRequest(`抓拍照片 image：${problem}`, problem.startsWith('照片过大') ? 413 : 400);
	}
	const client = clientInfo(request, getClientAddress);
	try {
		const result = await submitStudySnapshot(
			await getDb(),
			faceEngine(),
			faceThresholds(),
			{ personId: scope.personId, checkId: body.data.checkId, tabId: body.data.tabId, bytes, ip: client.ip, device: client.device },
			now()
		);
		return ok(result);
	} catch (err) {
		if (err instanceof FaceBusyError) return badRequest(err.message, 503);
		if (err instanceof FaceImageError) return badRequest(`抓拍照片 image：${err.message}`);
		if (err instanceof FaceError) return badRequest(err.message, err.status);
		throw err;
	}
};
