import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { startReply } from '#lib/server/exams/exam-api.ts';
import { replyResponse, requestFacts } from '#lib/server/http/json-reply.ts';
import { PHOTO_BODY_LIMIT, readBody } from '../../../http.ts';

/** 开始考试. The built server answers well-formed calls on its hot path (hot-paths.ts) with the same startReply. */
export const POST: RequestHandler = async ({ locals, params, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	const read = await readBody(request, PHOTO_BODY_LIMIT);
	if (!read.ok) return read.response;
	return replyResponse(await startReply(await getDb(), scope, params.sessionId, read.body, requestFacts(request, getClientAddress), now()));
};
