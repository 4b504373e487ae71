import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { loadOrgFormChoices } from '#lib/server/orgs/org-admin.query.ts';
import { createOrganisation } from '#lib/server/orgs/org-admin.ts';
import { parseOrgForm } from '#lib/schemas/org.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'regulator');
	return loadOrgFormChoices(await getDb(), scope.regionPath);
};

export const actions: Actions = {
	save: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'regulator');
		const org = parseOrgForm(await request.formData(), 'enterprise');
		if (!org.ok) return fail(400, { values: org.values, errors: org.errors });
		const actor = { userId: scope.userId, role: scope.role, ip: getClientAddress(), now: now() };
		const result = await createOrganisation(await getDb(), actor, org.data, null, scope.regionPath);
		if (!result.ok) return fail(400, { values: org.values, errors: result.errors });
		redirect(303, `/regulator/enterprises/${result.id}`);
	}
};
