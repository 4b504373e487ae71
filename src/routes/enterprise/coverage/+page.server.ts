import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { loadOwnOrgCoverage } from '#lib/server/coverage/org-view.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	return { targets: await loadOwnOrgCoverage(await getDb(), scope.orgId, now()) };
};
