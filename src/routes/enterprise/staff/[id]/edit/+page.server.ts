import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { findPersonForEdit, listSpecialOperations } from '#lib/server/people/people.query.ts';
import { setPersonActive, updatePerson, type StaffActor } from '#lib/server/people/staff.ts';
import { chinaDate, personFormValues, personUpdateSchema } from '#lib/schemas/person.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import type { Scope } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

const NOT_FOUND = '本单位没有这名人员';

function personId(param: string): number {
	return requireIdParam(param, NOT_FOUND);
}

function staffActor(scope: Scope, event: { getClientAddress: () => string }, at: Date): StaffActor {
	return { ...actorOf(scope, event), now: at };
}

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const db = await getDb();
	const person = await findPersonForEdit(db, scope.orgId, personId(params.id));
	if (!person) error(404, NOT_FOUND);
	return {
		person,
		isSelf: scope.personId === person.id,
		specialOperations: await listSpecialOperations(db),
		today: chinaDate(now())
	};
};

async function setActive(event: Parameters<Actions[string]>[0], active: boolean) {
	const scope = requireRole(event.locals, 'enterprise_admin');
	const id = personId(event.params.id);
	const result = await setPersonActive(await getDb(), id, active, staffActor(scope, event, now()));
	if (!result.ok && result.reason === 'not_found') error(404, NOT_FOUND);
	if (!result.ok) return formFailure(400, '不能停用您本人的人员记录（停用后您将无法登录）。', { action: active ? 'enable' : 'disable' });
	redirect(303, `/enterprise/staff/${id}?saved=${active ? 'enabled' : 'disabled'}`);
}

export const actions: Actions = {
	save: async ({ locals, params, request, getClientAddress }) => {
		const scope = requireRole(locals, 'enterprise_admin');
		const id = personId(params.id);
		const at = now();
		const values = personFormValues(await request.formData());
		const parsed = personUpdateSchema(chinaDate(at)).safeParse(values);
		if (!parsed.success) return zodFailure(parsed.error, { values, action: 'save' });
		const result = await updatePerson(await getDb(), id, parsed.data, staffActor(scope, { getClientAddress }, at));
		if (!result.ok && result.reason === 'not_found') error(404, NOT_FOUND);
		if (!result.ok) return formFailure(400, result.errors, { values, action: 'save' });
		redirect(303, `/enterprise/staff/${id}?saved=updated`);
	},
	disable: (event) => setActive(event, false),
	enable: (event) => setActive(event, true)
};
