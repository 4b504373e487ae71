import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listNoticesForEnterprise } from '#lib/server/supervision/notice-service.ts';
import { countStaffByRoleCategory, getOrganisation } from '#lib/server/orgs/orgs.query.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const db = await getDb();
	return {
		org: await getOrganisation(db, scope.orgId),
		staffByRole: await countStaffByRoleCategory(db, scope.orgId),
		// 督办 notices still to acknowledge, unread first
		notices: (await listNoticesForEnterprise(db, scope.orgId, now())).filter((n) => !n.acknowledgedAt)
	};
};
