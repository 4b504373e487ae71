import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { listRenewals } from '#lib/server/special-ops/renewal-list.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin');
	return { certificates: await listRenewals(await getDb(), { institutionOrgId: scope.orgId }, shanghaiDate(now())) };
};
