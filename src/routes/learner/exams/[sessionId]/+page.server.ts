import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { getSessionForCandidate } from '#lib/server/exams/result.query.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'learner');
	const sessionId = idParam(params.sessionId);
	const session = scope.personId && sessionId ? await getSessionForCandidate(await getDb(), sessionId, scope.personId, now()) : undefined;
	if (!session) error(404, '没有这场考试，或您不在这场考试的考生名单中');
	return { session };
};
