import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { getPersonProfile } from '#lib/server/people/people.query.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'learner');
	const profile = scope.personId ? await getPersonProfile(await getDb(), scope.personId) : undefined;
	return { profile: profile ?? null };
};
