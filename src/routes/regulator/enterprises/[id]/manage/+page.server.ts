import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { loadOrgFormChoices } from '#lib/server/orgs/org-admin.query.ts';
import { getOrganisation } from '#lib/server/orgs/orgs.query.ts';
import { editOrganisation, reactivateOrganisation, suspendOrganisation, type Result } from '#lib/server/orgs/org-admin.ts';
import { parseOrgForm, suspendSchema } from '#lib/schemas/org.ts';
import { formFields } from '#lib/schemas/findings.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

/** An enterprise of the regulator's region; anything else does not exist for it (404). */
async function requireOwnEnterprise(locals: App.Locals, id: string) {
	const scope = requireRole(locals, 'regulator');
	const db = await getDb();
	const org = await getOrganisation(db, requireIdParam(id), { regionPath: scope.regionPath });
	if (!org || org.kind !== 'enterprise') error(404, '没有找到该企业');
	return { scope, db, org };
}

export const load: PageServerLoad = async ({ locals, params }) => {
	const { scope, db, org } = await requireOwnEnterprise(locals, params.id);
	return { org, ...(await loadOrgFormChoices(db, scope.regionPath)) };
};

export const actions: Actions = {
	save: async (event) => {
		const { locals, params, request } = event;
		const { scope, db, org } = await requireOwnEnterprise(locals, params.id);
		const parsed = parseOrgForm(await request.formData(), 'enterprise');
		if (!parsed.ok) return formFailure(400, parsed.errors, { target: 'org', values: parsed.values });
		const result = await editOrganisation(db, actorOf(scope, event), org.id, parsed.data, scope.regionPath, now());
		if (!result.ok) {
			if (result.notFound) error(404, '没有找到该企业');
			return formFailure(400, result.errors, { target: 'org', values: parsed.values });
		}
		redirect(303, `/regulator/enterprises/${org.id}`);
	},
	suspend: async (event) => {
		const { locals, params, request } = event;
		const { scope, db, org } = await requireOwnEnterprise(locals, params.id);
		const parsed = suspendSchema.safeParse(formFields(await request.formData(), ['reason']));
		if (!parsed.success) return zodFailure(parsed.error, { target: 'status' });
		return finishStatus(await suspendOrganisation(db, actorOf(scope, event), org.id, parsed.data.reason, scope.regionPath, now()), org.id);
	},
	reactivate: async (event) => {
		const { locals, params } = event;
		const { scope, db, org } = await requireOwnEnterprise(locals, params.id);
		return finishStatus(await reactivateOrganisation(db, actorOf(scope, event), org.id, scope.regionPath, now()), org.id);
	}
};

function finishStatus(result: Result, orgId: number) {
	if (!result.ok) {
		if (result.notFound) error(404, '没有找到该企业');
		return formFailure(400, result.errors, { target: 'status' });
	}
	redirect(303, `/regulator/enterprises/${orgId}/manage`);
}
