import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { liveFaceSchema } from '#lib/schemas/live.ts';
import { requireAudienceClass } from '#lib/server/live/guard.ts';
import { submitLiveFaceSnapshot } from '#lib/server/live/live-face.ts';
import { clientInfo } from '#lib/server/study/http.ts';
import { badRequest, decodeBase64, ok, parseBody } from '../../../exam/http.ts';
import { FaceError } from '#lib/server/face/face-service.ts';
import { FaceBusyError, FaceImageError, faceEngine } from '#lib/server/face/engine.ts';
import { faceThresholds } from '#lib/server/face/config.ts';
import { checkFaceImage } from '#lib/server/face/image.ts';

const LIVE_FACE_BODY_LIMIT = 900 * 1024;

/** A learner's photo for the face check of their live session, or to answer a 点名 (face verification on). */
export const POST: RequestHandler = async ({ locals, params, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	const db = await getDb();
	const { cls, personId } = await requireAudienceClass(db, scope, params.id);
	const body = await parseBody(request, liveFaceSchema, LIVE_FACE_BODY_LIMIT);
	if (!body.ok) return body.response;
	let bytes: Uint8Array | null = null;
	if ('image' in body.data) {
		bytes = decodeBase64(body.data.image);
		const problem = checkFaceImage(bytes);
		if (problem) return badRequest(`抓拍照片 image：${problem}`, problem.startsWith('照片过大') ? 413 : 400);
	}
	try {
		const result = await submitLiveFaceSnapshot(
			db,
			faceEngine(),
			faceThresholds(),
			{ personId, cls, tabId: body.data.tabId, rollCallId: body.data.rollCallId ?? null, bytes, client: clientInfo(request, getClientAddress) },
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
