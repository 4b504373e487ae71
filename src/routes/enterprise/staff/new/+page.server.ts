import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listSpecialOperations } from '#lib/server/people/people.query.ts';
import { createPerson } from '#lib/server/people/staff.ts';
import { chinaDate, personFormValues, personSchema } from '#lib/schemas/person.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

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
		if (!parsed.success) return zodFailure(parsed.error, { values });
		const result = await createPerson(await getDb(), parsed.data, { ...actorOf(scope, { getClientAddress }), now: at });
		if (!result.ok) return formFailure(400, result.reason === 'invalid' ? result.errors : '保存失败', { values });
		redirect(303, `/enterprise/staff/${result.personId}?saved=created`);
	}
};
