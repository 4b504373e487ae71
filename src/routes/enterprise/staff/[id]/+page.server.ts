import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { findStaffMember } from '#lib/server/people/people.query.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const id = idParam(params.id);
	const person = id ? await findStaffMember(await getDb(), scope.orgId, id) : undefined;
	if (!person) error(404, '本单位没有这名人员');
	return { person };
};
