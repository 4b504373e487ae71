import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { clientIdSchema, describeIssues } from '#lib/schemas/exam.ts';
import { loadAttemptForCandidate } from '#lib/server/exams/attempt-service.ts';
import { badRequest, clientContext, notFound, ok, personOf } from '../../http.ts';

/** The candidate's paper and answers (never keys), or finished / refused. */
export const GET: RequestHandler = async ({ locals, params, url, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	const personId = personOf(scope);
	if (personId instanceof Response) return personId;
	const attemptId = idParam(params.attemptId);
	if (!attemptId) return notFound();
	const clientId = clientIdSchema.safeParse(url.searchParams.get('clientId') ?? undefined);
	if (!clientId.success) return badRequest(`clientId：${describeIssues(clientId.error)}`);
	const view = await loadAttemptForCandidate(await getDb(), attemptId, personId, clientContext(request, getClientAddress, clientId.data), now());
	return view ? ok(view) : notFound();
};
