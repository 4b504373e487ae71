import { error, redirect } from '@sveltejs/kit';
import type { Role } from '../../domain/labels.ts';

export type Scope = {
	userId: number;
	personId: number | null;
	role: Role;
	membershipId: number;
	orgId: number;
	orgKind: string;
	regionCode: string;
	/** '/500000/500112/' — the caller sees this region and every region under it (regulators). */
	regionPath: string;
};

type LocalsLike = Pick<App.Locals, 'user' | 'session'>;

/**
 * The one authorization check every load and action calls. Returns the caller's scope
 * (which organisation / region they act for); every query is filtered by it.
 */
export function requireRole(locals: LocalsLike, ...roles: Role[]): Scope {
	const user = locals.user;
	if (!user || !locals.session) redirect(303, '/login');
	if (user.mustChangePassword) redirect(303, '/account/password');
	const scope = scopeIn(user, ...roles);
	if (!scope) error(403, '您当前的身份无权访问此页面');
	return scope;
}

/**
 * The scope of a signed-in user acting in one of the roles, or null (no membership, another role).
 * requireRole's check without its answers; the hot-path server uses it to decide what it may serve.
 */
export function scopeIn(user: NonNullable<LocalsLike['user']>, ...roles: Role[]): Scope | null {
	const m = user.membership;
	if (!m || !roles.includes(m.role)) return null;
	return {
		userId: user.id,
		personId: user.personId,
		role: m.role,
		membershipId: m.id,
		orgId: m.orgId,
		orgKind: m.orgKind,
		regionCode: m.regionCode,
		regionPath: m.regionPath
	};
}

/** requireRole for JSON endpoints: 401/403 with a message instead of a redirect to /login. */
export function requireApiRole(locals: LocalsLike, ...roles: Role[]): Scope {
	if (!locals.user || !locals.session) error(401, '登录已失效，请重新登录');
	if (locals.user.mustChangePassword) error(403, '请先修改初始密码');
	return requireRole(locals, ...roles);
}

/** Any signed-in user (own account pages). Does not force the password change. */
export function requireUser(locals: LocalsLike) {
	if (!locals.user || !locals.session) redirect(303, '/login');
	return { user: locals.user, session: locals.session };
}

/** Any signed-in user, sent to /account/password first while the account must change its password. */
export function requireAccount(locals: LocalsLike) {
	const signedIn = requireUser(locals);
	if (signedIn.user.mustChangePassword) redirect(303, '/account/password');
	return signedIn;
}

export const HOME_BY_ROLE: Record<Role, string> = {
	learner: '/learner',
	enterprise_admin: '/enterprise',
	institution_admin: '/institution',
	examiner: '/institution',
	regulator: '/regulator',
	platform_admin: '/admin'
};
