import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure } from '#lib/forms/failure.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { loadOrgFormChoices } from '#lib/server/orgs/org-admin.query.ts';
import { createOrganisation } from '#lib/server/orgs/org-admin.ts';
import { parseOrgForm } from '#lib/schemas/org.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'regulator');
	return loadOrgFormChoices(await getDb(), scope.regionPath);
};

export const actions: Actions = {
	save: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'regulator');
		const org = parseOrgForm(await request.formData(), 'enterprise');
		if (!org.ok) return formFailure(400, org.errors, { values: org.values });
		const result = await createOrganisation(await getDb(), actorOf(scope, event), org.data, null, scope.regionPath, now());
		if (!result.ok) return formFailure(400, result.errors, { values: org.values });
		redirect(303, `/regulator/enterprises/${result.id}`);
	}
};
