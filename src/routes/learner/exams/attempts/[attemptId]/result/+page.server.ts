import { error, redirect } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { findMyAttempt, getAttemptResult } from '#lib/server/exams/result.query.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'learner');
	const attemptId = idParam(params.attemptId);
	const db = await getDb();
	const result = scope.personId && attemptId ? await getAttemptResult(db, attemptId, scope.personId, now()) : undefined;
	if (!result) {
		// Still in progress: the exam page (which finishes it if its time is up).
		const attempt = scope.personId && attemptId ? await findMyAttempt(db, attemptId, scope.personId) : undefined;
		if (attempt?.status === 'in_progress') redirect(303, `/learner/exams/attempts/${attempt.id}`);
		error(404, '没有这次考试记录');
	}
	return { result };
};
