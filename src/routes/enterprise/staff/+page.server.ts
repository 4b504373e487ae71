import type { Actions, PageServerLoad } from './$types';
import { z } from 'zod';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { countStaff, listStaff, STAFF_LIST_LIMIT } from '#lib/server/people/people.query.ts';
import { ROLE_CATEGORIES } from '#lib/domain/labels.ts';
import { issueCodesFor } from './activation-codes.ts';

const filterSchema = z.object({
	role: z.enum(ROLE_CATEGORIES).optional().catch(undefined),
	q: z.string().trim().max(50).optional().catch(undefined),
	status: z.enum(['active', 'inactive']).optional().catch(undefined),
	imported: z.coerce.number().int().min(0).max(1_000_000).optional().catch(undefined)
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const p = (k: string) => url.searchParams.get(k) || undefined;
	const { imported, ...filter } = filterSchema.parse({ role: p('role'), q: p('q'), status: p('status'), imported: p('imported') });
	const db = await getDb();
	const staffFilter = { roleCategory: filter.role, q: filter.q || undefined, status: filter.status };
	return {
		filter,
		imported: imported ?? null,
		staff: await listStaff(db, scope.orgId, staffFilter),
		total: await countStaff(db, scope.orgId, staffFilter),
		limit: STAFF_LIST_LIMIT
	};
};

export const actions: Actions = {
	// Every active person without an account (up to one printout's worth).
	activationCodes: async ({ locals, getClientAddress }) => {
		const scope = requireRole(locals, 'enterprise_admin');
		return issueCodesFor(scope, null, getClientAddress());
	}
};
