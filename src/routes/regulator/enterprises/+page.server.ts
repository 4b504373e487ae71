import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listEnterprisesInRegion } from '#lib/server/orgs/orgs.query.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'regulator');
	return { enterprises: await listEnterprisesInRegion(await getDb(), scope.regionPath) };
};
