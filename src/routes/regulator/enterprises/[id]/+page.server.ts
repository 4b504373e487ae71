import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { countStaffByRoleCategory, getOrganisation } from '#lib/server/orgs/orgs.query.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'regulator');
	const id = idParam(params.id);
	const db = await getDb();
	const org = id ? await getOrganisation(db, id, { regionPath: scope.regionPath, kind: 'enterprise' }) : undefined;
	if (!org) error(404, '辖区内没有这家企业');
	return { org, staffByRole: await countStaffByRoleCategory(db, org.id) };
};
