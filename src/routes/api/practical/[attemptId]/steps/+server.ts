import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { practicalSyncSchema } from '#lib/schemas/practical.ts';
import { recordSteps } from '#lib/server/special-ops/practical-service.ts';
import { badRequest, ok, parseBody, SYNC_BODY_LIMIT } from '../../../exam/http.ts';

/** An examiner's ticks, from the page or its offline queue; idempotent by (attempt, examiner, seq). */
export const POST: RequestHandler = async ({ locals, params, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'examiner', 'institution_admin');
	const attemptId = idParam(params.attemptId);
	if (!attemptId) return badRequest('没有这场实操考试记录', 404);
	const body = await parseBody(request, practicalSyncSchema, SYNC_BODY_LIMIT);
	if (!body.ok) return body.response;
	const r = await recordSteps(await getDb(), actorOf(scope, { getClientAddress }), attemptId, body.data.steps, now());
	return r.ok ? ok(r) : badRequest(r.message, r.status);
};
