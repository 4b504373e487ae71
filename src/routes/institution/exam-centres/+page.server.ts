import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listCentres } from '#lib/server/special-ops/centres.repository.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin');
	return { centres: await listCentres(await getDb(), scope.orgId) };
};
