import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { syncReply } from '#lib/server/exams/exam-api.ts';
import { replyResponse, requestFacts } from '#lib/server/http/json-reply.ts';
import { readBody, SYNC_BODY_LIMIT } from '../../../http.ts';

/** Autosave. The built server answers well-formed calls on its hot path (hot-paths.ts) with the same syncReply. */
export const POST: RequestHandler = async ({ locals, params, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	const read = await readBody(request, SYNC_BODY_LIMIT);
	if (!read.ok) return read.response;
	return replyResponse(await syncReply(await getDb(), scope, params.attemptId, read.body, requestFacts(request, getClientAddress), now()));
};
