import type { Actions, PageServerLoad } from './$types';
import { z } from 'zod';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { countStaff, listStaff, DEFAULT_STAFF_SORT, STAFF_LIST_LIMIT, STAFF_SORT_KEYS } from '#lib/server/people/people.query.ts';
import { ROLE_CATEGORIES } from '#lib/domain/labels.ts';
import { issueCodesFor } from './activation-codes.ts';

const filterSchema = z.object({
	role: z.enum(ROLE_CATEGORIES).optional().catch(undefined),
	q: z.string().trim().max(50).optional().catch(undefined),
	status: z.enum(['active', 'inactive']).optional().catch(undefined),
	imported: z.coerce.number().int().min(0).max(1_000_000).optional().catch(undefined),
	sort: z.enum(STAFF_SORT_KEYS).catch(DEFAULT_STAFF_SORT.key),
	dir: z.enum(['asc', 'desc']).catch(DEFAULT_STAFF_SORT.dir)
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const p = (k: string) => url.searchParams.get(k) || undefined;
	const { imported, sort, dir, ...filter } = filterSchema.parse({ role: p('role'), q: p('q'), status: p('status'), imported: p('imported'), sort: p('sort'), dir: p('dir') });
	const db = await getDb();
	const staffFilter = { roleCategory: filter.role, q: filter.q || undefined, status: filter.status };
	return {
		filter,
		imported: imported ?? null,
		sort: { key: sort, dir },
		staff: await listStaff(db, scope.orgId, staffFilter, { key: sort, dir }),
		total: await countStaff(db, scope.orgId, staffFilter),
		limit: STAFF_LIST_LIMIT
	};
};

export const actions: Actions = {
	// Every active person without an account (up to one printout's worth).
	activationCodes: async ({ locals, getClientAddress }) => {
		const scope = requireRole(locals, 'enterprise_admin');
		return issueCodesFor(scope, { getClientAddress }, null);
	}
};
