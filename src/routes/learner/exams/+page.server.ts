import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listMySessions } from '#lib/server/exams/result.query.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'learner');
	const sessions = scope.personId ? await listMySessions(await getDb(), scope.personId, now()) : [];
	return { hasPerson: scope.personId !== null, sessions };
};
