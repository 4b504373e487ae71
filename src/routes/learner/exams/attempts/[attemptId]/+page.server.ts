import { error, redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { findMyAttempt } from '#lib/server/exams/result.query.ts';

// The paper itself is fetched by the page with its browser id (GET /api/exam/attempts/{id}):
// the server tells this browser from another by it, and the paper never sits in the HTML.
export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'learner');
	const attemptId = idParam(params.attemptId);
	const attempt = scope.personId && attemptId ? await findMyAttempt(await getDb(), attemptId, scope.personId) : undefined;
	if (!attempt) error(404, '没有这次考试记录');
	if (attempt.status === 'finished') redirect(303, `/learner/exams/attempts/${attempt.id}/result`);
	return { attemptId: attempt.id, title: attempt.session_name ?? '练习', mode: attempt.mode as 'exam' | 'practice', sessionId: attempt.session_id };
};
