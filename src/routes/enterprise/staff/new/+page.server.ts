import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listSpecialOperations } from '#lib/server/people/people.query.ts';
import { createPerson } from '#lib/server/people/staff.ts';
import { chinaDate, personFormValues, personSchema } from '#lib/schemas/person.ts';
import { zodErrors } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	requireRole(locals, 'enterprise_admin');
	return { specialOperations: await listSpecialOperations(await getDb()), today: chinaDate(now()) };
};

export const actions: Actions = {
	save: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'enterprise_admin');
		const at = now();
		const values = personFormValues(await request.formData());
		const parsed = personSchema(chinaDate(at)).safeParse(values);
		if (!parsed.success) return fail(400, { values, errors: zodErrors(parsed.error) });
		const result = await createPerson(await getDb(), parsed.data, { ...actorOf(scope, { getClientAddress }), now: at });
		if (!result.ok) return fail(400, { values, errors: result.reason === 'invalid' ? result.errors : { form: '保存失败' } });
		redirect(303, `/enterprise/staff/${result.personId}?saved=created`);
	}
};
