import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { liveFaceSchema } from '#lib/schemas/live.ts';
import { requireAudienceClass } from '#lib/server/live/guard.ts';
import { submitLiveFaceSnapshot } from '#lib/server/live/live-face.ts';
import { clientInfo } from '#lib/server/study/http.ts';
import { parseBody } from '../../../exam/http.ts';
import { answerFace, snapshotOf } from '../../../face-http.ts';
import { faceEngine } from '#lib/server/face/engine.ts';
import { faceThresholds } from '#lib/server/face/config.ts';

const LIVE_FACE_BODY_LIMIT = 900 * 1024;

/** A learner's photo for the face check of their live session, or to answer a 点名 (face verification on). */
export const POST: RequestHandler = async ({ locals, params, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	const db = await getDb();
	const { cls, personId } = await requireAudienceClass(db, scope, params.id);
	const body = await parseBody(request, liveFaceSchema, LIVE_FACE_BODY_LIMIT);
	if (!body.ok) return body.response;
	const photo = snapshotOf(body.data);
	if ('response' in photo) return photo.response;
	const input = { personId, cls, tabId: body.data.tabId, rollCallId: body.data.rollCallId ?? null, bytes: photo.bytes, client: clientInfo(request, getClientAddress) };
	return answerFace(() => submitLiveFaceSnapshot(db, faceEngine(), faceThresholds(), input, now()));
};
