import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { ACCOUNT_ADMIN_ROLES, rolesForOrgKind } from '#lib/server/accounts/roles.ts';
import { listAccountsOfOrg, listOrganisations } from '#lib/server/accounts/accounts.repository.ts';
import {
	createAccount,
	endAccountSessions,
	grantRole,
	issueResetCode,
	resolveManagedOrg,
	revokeRole,
	setDisabled,
	type Refusal
} from '#lib/server/accounts/account-admin.ts';
import { accountRefSchema, accountRoleSchema, createAccountSchema, formStrings } from '#lib/schemas/account.ts';
import { idParam } from '#lib/schemas/params.ts';
import { maskIdNumber } from '#lib/domain/identifiers.ts';
import { formFailure, zodFailure, type FailureExtras } from '#lib/forms/failure.ts';

/** The organisation in ?org= (platform admin only; anyone else may name only their own). */
async function managedOrg(locals: App.Locals, url: URL) {
	const scope = requireRole(locals, ...ACCOUNT_ADMIN_ROLES);
	const raw = url.searchParams.get('org');
	const requested = raw === null ? null : idParam(raw);
	if (raw !== null && requested === null) error(404, '没有这个单位');
	const db = await getDb();
	const org = await resolveManagedOrg(db, scope, requested);
	if (!org) error(404, '没有这个单位');
	return { scope, db, org };
}

export const load: PageServerLoad = async ({ locals, url }) => {
	const { scope, db, org } = await managedOrg(locals, url);
	const accounts = await listAccountsOfOrg(db, org.id, now());
	return {
		org,
		isPlatform: scope.role === 'platform_admin',
		selfId: scope.userId,
		orgs: scope.role === 'platform_admin' ? await listOrganisations(db) : [],
		roles: rolesForOrgKind(org.kind),
		accounts: accounts.map((a) => ({
			id: a.id,
			name: a.display_name,
			mobile: a.mobile,
			idNumber: a.id_number ? maskIdNumber(a.id_number) : null,
			disabled: a.disabled,
			lastLoginAt: a.last_login_at,
			roles: a.roles,
			sessions: a.sessions
		}))
	};
};

type Ctx = { locals: App.Locals; url: URL; request: Request; getClientAddress: () => string };

async function begin(ctx: Ctx) {
	const { scope, db, org } = await managedOrg(ctx.locals, ctx.url);
	return { db, org, actor: actorOf(scope, ctx), at: now(), form: await ctx.request.formData() };
}

/** A refusal shown beside the form (`target`: 'create' or the account's id). */
function refuse(target: string, r: Pick<Refusal, 'status' | 'field' | 'message'>, extra: FailureExtras = {}) {
	return formFailure(r.status, { [r.field]: r.message }, { ...extra, target });
}

function badForm(form: FormData) {
	return refuse(String(form.get('userId') ?? ''), { status: 400, field: 'form', message: '请求不完整，请刷新页面后重试' });
}

export const actions: Actions = {
	create: async (ctx) => {
		const { db, org, actor, at, form } = await begin(ctx);
		const values = formStrings(form, ['name', 'mobile', 'role'] as const);
		const parsed = createAccountSchema.safeParse(values);
		if (!parsed.success) return zodFailure(parsed.error, { target: 'create', values });
		const result = await createAccount(db, actor, org, parsed.data, at);
		if (!result.ok) return refuse('create', result, { values });
		return { created: { name: parsed.data.name, mobile: parsed.data.mobile, password: result.initialPassword } };
	},
	grant: async (ctx) => {
		const { db, org, actor, at, form } = await begin(ctx);
		const parsed = accountRoleSchema.safeParse(formStrings(form, ['userId', 'role'] as const));
		if (!parsed.success) return badForm(form);
		const result = await grantRole(db, actor, org, parsed.data.userId, parsed.data.role, at);
		if (!result.ok) return refuse(String(parsed.data.userId), result);
		return { done: '已授予角色' };
	},
	revoke: async (ctx) => {
		const { db, org, actor, at, form } = await begin(ctx);
		const parsed = accountRoleSchema.safeParse(formStrings(form, ['userId', 'role'] as const));
		if (!parsed.success) return badForm(form);
		const result = await revokeRole(db, actor, org, parsed.data.userId, parsed.data.role, at);
		if (!result.ok) return refuse(String(parsed.data.userId), result);
		return { done: '已撤销角色' };
	},
	disable: async (ctx) => {
		const { db, org, actor, at, form } = await begin(ctx);
		const parsed = accountRefSchema.safeParse(formStrings(form, ['userId'] as const));
		if (!parsed.success) return badForm(form);
		const result = await setDisabled(db, actor, org, parsed.data.userId, true, at);
		if (!result.ok) return refuse(String(parsed.data.userId), result);
		return { done: '账号已停用，其所有登录已结束' };
	},
	enable: async (ctx) => {
		const { db, org, actor, at, form } = await begin(ctx);
		const parsed = accountRefSchema.safeParse(formStrings(form, ['userId'] as const));
		if (!parsed.success) return badForm(form);
		const result = await setDisabled(db, actor, org, parsed.data.userId, false, at);
		if (!result.ok) return refuse(String(parsed.data.userId), result);
		return { done: '账号已启用' };
	},
	endSessions: async (ctx) => {
		const { db, org, actor, at, form } = await begin(ctx);
		const parsed = accountRefSchema.safeParse(formStrings(form, ['userId'] as const));
		if (!parsed.success) return badForm(form);
		const result = await endAccountSessions(db, actor, org, parsed.data.userId, at);
		if (!result.ok) return refuse(String(parsed.data.userId), result);
		return { done: `已结束 ${result.ended} 个登录会话` };
	},
	resetCode: async (ctx) => {
		const { db, org, actor, at, form } = await begin(ctx);
		const parsed = accountRefSchema.safeParse(formStrings(form, ['userId'] as const));
		if (!parsed.success) return badForm(form);
		const result = await issueResetCode(db, actor, org, parsed.data.userId, at);
		if (!result.ok) return refuse(String(parsed.data.userId), result);
		return { resetCode: { userId: parsed.data.userId, name: result.name, code: result.code, expiresAt: result.expiresAt } };
	}
};
