import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listLearnerPracticalResults } from '#lib/server/special-ops/practical-results.query.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'learner');
	if (!scope.personId) return { results: [] };
	return { results: await listLearnerPracticalResults(await getDb(), scope.personId) };
};
