import type { PageServerLoad } from './$types';
import { z } from 'zod';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listStaff } from '#lib/server/people/people.query.ts';
import { ROLE_CATEGORIES } from '#lib/domain/labels.ts';

const filterSchema = z.object({
	role: z.enum(ROLE_CATEGORIES).optional().catch(undefined),
	q: z.string().trim().max(50).optional().catch(undefined)
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const filter = filterSchema.parse({ role: url.searchParams.get('role') ?? undefined, q: url.searchParams.get('q') ?? undefined });
	return {
		filter,
		staff: await listStaff(await getDb(), scope.orgId, { roleCategory: filter.role, q: filter.q || undefined })
	};
};
