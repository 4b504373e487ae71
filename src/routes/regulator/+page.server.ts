import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { countEnterprisesByChildRegion, summariseRegion } from '#lib/server/orgs/orgs.query.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'regulator');
	const db = await getDb();
	return {
		regionName: locals.user?.membership?.regionName ?? '',
		summary: await summariseRegion(db, scope.regionPath),
		byChild: await countEnterprisesByChildRegion(db, scope.regionCode, scope.regionPath)
	};
};
