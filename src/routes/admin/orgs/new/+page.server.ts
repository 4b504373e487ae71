import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listRegulatorChoices, listSpecialOperationChoices, loadOrgFormChoices } from '#lib/server/orgs/org-admin.query.ts';
import { createOrganisation } from '#lib/server/orgs/org-admin.ts';
import { ORG_FORM_KINDS, parseOrgForm, parseScopeForm, type OrgFormKind } from '#lib/schemas/org.ts';
import { chinaDate } from '#lib/schemas/person.ts';
import { formFailure } from '#lib/forms/failure.ts';

function kindOf(value: string | null): OrgFormKind | null {
	return ORG_FORM_KINDS.find((k) => k === value) ?? null;
}

export const load: PageServerLoad = async ({ locals, url }) => {
	requireRole(locals, 'platform_admin');
	const kind = kindOf(url.searchParams.get('kind'));
	if (!kind) return { kind: null };
	const db = await getDb();
	return {
		kind,
		...(await loadOrgFormChoices(db)),
		specialOperations: kind === 'institution' ? await listSpecialOperationChoices(db) : [],
		regulators: kind === 'institution' ? await listRegulatorChoices(db) : [],
		today: chinaDate(now())
	};
};

export const actions: Actions = {
	save: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'platform_admin');
		const form = await request.formData();
		const org = parseOrgForm(form);
		// 机构资质 is optional when creating: it can be added on the institution's page later
		const scopes = org.values.kind === 'institution' && form.getAll('scopes').length > 0 ? parseScopeForm(form) : null;
		const errors = { ...(org.ok ? {} : org.errors), ...(scopes && !scopes.ok ? scopes.errors : {}) };
		if (!org.ok || (scopes && !scopes.ok)) return formFailure(400, errors, { values: org.values });
		const result = await createOrganisation(
			await getDb(),
			actorOf(scope, event),
			org.data,
			scopes?.ok ? scopes.data : null,
			null,
			now()
		);
		if (!result.ok) return formFailure(400, result.errors, { values: org.values });
		redirect(303, `/admin/orgs/${result.id}?saved=created`);
	}
};
