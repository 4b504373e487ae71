import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { countStaffByRoleCategory, getOrganisation } from '#lib/server/orgs/orgs.query.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const db = await getDb();
	return {
		org: await getOrganisation(db, scope.orgId),
		staffByRole: await countStaffByRoleCategory(db, scope.orgId)
	};
};
