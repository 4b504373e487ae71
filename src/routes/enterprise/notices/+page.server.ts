import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listNoticesForEnterprise } from '#lib/server/supervision/notice-service.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	return { notices: await listNoticesForEnterprise(await getDb(), scope.orgId, now()) };
};
