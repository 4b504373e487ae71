import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { submitSchema } from '#lib/schemas/exam.ts';
import { submitAttempt } from '#lib/server/exams/attempt-service.ts';
import { answersAndEvents, clientContext, notFound, ok, parseBody, personOf, SYNC_BODY_LIMIT } from '../../../http.ts';

/** Explicit submit (交卷): saves what the page still had, then finishes. Twice is harmless. */
export const POST: RequestHandler = async ({ locals, params, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	const personId = personOf(scope);
	if (personId instanceof Response) return personId;
	const attemptId = idParam(params.attemptId);
	if (!attemptId) return notFound();
	const body = await parseBody(request, submitSchema, SYNC_BODY_LIMIT);
	if (!body.ok) return body.response;
	const b = body.data;
	const result = await submitAttempt(
		await getDb(),
		{
			attemptId,
			personId,
			client: clientContext(request, getClientAddress, b.clientId),
			...answersAndEvents(b)
		},
		now()
	);
	return result ? ok(result) : notFound();
};
