import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listBlueprints } from '#lib/server/exams/blueprint-service.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin');
	return { blueprints: await listBlueprints(await getDb(), scope.orgId) };
};
