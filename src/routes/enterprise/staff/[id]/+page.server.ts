import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { findStaffMember } from '#lib/server/people/people.query.ts';
import { issueCodesFor } from '../activation-codes.ts';

async function findPerson(orgId: number, param: string) {
	const id = idParam(param);
	const person = id ? await findStaffMember(await getDb(), orgId, id) : undefined;
	if (!person) error(404, '本单位没有这名人员');
	return person;
}

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	return { person: await findPerson(scope.orgId, params.id) };
};

export const actions: Actions = {
	activationCode: async ({ locals, params, getClientAddress }) => {
		const scope = requireRole(locals, 'enterprise_admin');
		const person = await findPerson(scope.orgId, params.id);
		return issueCodesFor(scope, { getClientAddress }, [person.id]);
	}
};
