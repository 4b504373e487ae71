import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listMyLiveClasses } from '#lib/server/live/my-live.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'learner');
	return { classes: scope.personId ? await listMyLiveClasses(await getDb(), scope.personId, now()) : [] };
};
