import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getOrganisation } from '#lib/server/orgs/orgs.query.ts';
import { z } from 'zod';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { idSchema, requireIdParam } from '#lib/schemas/params.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import {
	listInstitutionScopes,
	listOrgAccounts,
	listRegulatorChoices,
	listSpecialOperationChoices,
	loadOrgFormChoices
} from '#lib/server/orgs/org-admin.query.ts';
import {
	addInstitutionScopes,
	createOrgAdmin,
	editOrganisation,
	reactivateOrganisation,
	removeInstitutionScope,
	suspendOrganisation,
	type Result
} from '#lib/server/orgs/org-admin.ts';
import { orgAdminAccountSchema, parseOrgForm, parseScopeForm, suspendSchema, type OrgFormKind } from '#lib/schemas/org.ts';
import { chinaDate } from '#lib/schemas/person.ts';
import { formFields } from '#lib/schemas/findings.ts';
import { formFailure, zodErrors, type FailureExtras } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	requireRole(locals, 'platform_admin');
	const db = await getDb();
	const org = await getOrganisation(db, requireIdParam(params.id));
	if (!org) error(404, '没有找到该单位');
	const institution = org.kind === 'institution';
	return {
		org,
		accounts: await listOrgAccounts(db, org.id),
		scopes: institution ? await listInstitutionScopes(db, org.id) : [],
		specialOperations: institution ? await listSpecialOperationChoices(db) : [],
		regulators: institution ? await listRegulatorChoices(db) : [],
		...(await loadOrgFormChoices(db)),
		today: chinaDate(now())
	};
};

type Ctx = { locals: App.Locals; params: { id: string }; request: Request; getClientAddress: () => string };

async function begin(event: Ctx) {
	const { locals, params, request } = event;
	const scope = requireRole(locals, 'platform_admin');
	const orgId = requireIdParam(params.id);
	return { db: await getDb(), orgId, actor: actorOf(scope, event), at: now(), form: await request.formData() };
}

function refuse(target: string, errors: Record<string, string>, extra: FailureExtras = {}) {
	return formFailure(400, errors, { ...extra, target });
}

function finish(result: Result, target: string, location: string, extra: FailureExtras = {}) {
	if (!result.ok) {
		if (result.notFound) error(404, result.errors.form ?? '没有找到该单位');
		return refuse(target, result.errors, extra);
	}
	redirect(303, location);
}

export const actions: Actions = {
	update: async (ctx) => {
		const { db, orgId, actor, at, form } = await begin(ctx);
		const existing = await getOrganisation(db, orgId);
		if (!existing) error(404, '没有找到该单位');
		const parsed = parseOrgForm(form, existing.kind as OrgFormKind);
		if (!parsed.ok) return refuse('org', parsed.errors, { values: parsed.values });
		return finish(await editOrganisation(db, actor, orgId, parsed.data, null, at), 'org', `/admin/orgs/${orgId}?saved=updated`, { values: parsed.values });
	},
	suspend: async (ctx) => {
		const { db, orgId, actor, at, form } = await begin(ctx);
		const parsed = suspendSchema.safeParse(formFields(form, ['reason']));
		if (!parsed.success) return refuse('status', zodErrors(parsed.error));
		return finish(await suspendOrganisation(db, actor, orgId, parsed.data.reason, null, at), 'status', `/admin/orgs/${orgId}?saved=suspended`);
	},
	reactivate: async (ctx) => {
		const { db, orgId, actor, at } = await begin(ctx);
		return finish(await reactivateOrganisation(db, actor, orgId, null, at), 'status', `/admin/orgs/${orgId}?saved=reactivated`);
	},
	addScopes: async (ctx) => {
		const { db, orgId, actor, at, form } = await begin(ctx);
		const parsed = parseScopeForm(form);
		if (!parsed.ok) return refuse('scopes', parsed.errors);
		return finish(await addInstitutionScopes(db, actor, orgId, parsed.data, at), 'scopes', `/admin/orgs/${orgId}?saved=scopes`);
	},
	removeScope: async (ctx) => {
		const { db, orgId, actor, at, form } = await begin(ctx);
		const parsed = z.object({ scopeId: idSchema }).safeParse(formFields(form, ['scopeId']));
		if (!parsed.success) return refuse('scopes', { scope: '请求不完整，请刷新页面后重试' });
		return finish(await removeInstitutionScope(db, actor, orgId, parsed.data.scopeId, at), 'scopes', `/admin/orgs/${orgId}?saved=scopes`);
	},
	createAdmin: async (ctx) => {
		const { db, orgId, actor, at, form } = await begin(ctx);
		const values = formFields(form, ['name', 'mobile', 'idNumber']);
		const parsed = orgAdminAccountSchema.safeParse(values);
		if (!parsed.success) return refuse('admin', zodErrors(parsed.error), { values });
		const result = await createOrgAdmin(db, actor, orgId, parsed.data, at);
		if (!result.ok) {
			if (result.notFound) error(404, '没有找到该单位');
			return refuse('admin', result.errors, { values });
		}
		// shown once, in this answer only: the password is stored as a hash
		return { target: 'admin', created: { name: parsed.data.name, account: parsed.data.mobile, role: result.role, password: result.password } };
	}
};
