import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listRuleCatalogue } from '#lib/server/admin/rule-catalogue.ts';

// Read-only: every rule kept as data, with its plain basis, verification status and internal note.
export const load: PageServerLoad = async ({ locals }) => {
	requireRole(locals, 'platform_admin');
	return { groups: await listRuleCatalogue(await getDb()) };
};
