import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now, studyConfig } from '#lib/server/runtime.ts';
import { heartbeatReply } from '#lib/server/study/study-api.ts';
import { replyResponse, requestFacts } from '#lib/server/http/json-reply.ts';
import { readJson } from '#lib/server/study/http.ts';

/** A study heartbeat. The built server answers well-formed calls on its hot path (hot-paths.ts) with the same heartbeatReply. */
export const POST: RequestHandler = async ({ locals, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	const body = (await readJson(request)) ?? undefined;
	return replyResponse(await heartbeatReply(await getDb(), scope, body, requestFacts(request, getClientAddress), now(), studyConfig()));
};
