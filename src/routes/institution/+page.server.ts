import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { countInstitutionStaff, getOrganisation } from '#lib/server/orgs/orgs.query.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	return { org: await getOrganisation(db, scope.orgId), staff: await countInstitutionStaff(db, scope.orgId), role: scope.role };
};
