import type { Role } from '../../domain/labels.ts';

// Which roles an organisation of each kind may hold, and which of them administers its accounts.
// An admin grants only roles of their own organisation's kind: an enterprise admin can never
// create a regulator, whatever the form says.

export const ROLES_BY_ORG_KIND: Record<string, readonly Role[]> = {
	enterprise: ['enterprise_admin', 'learner'],
	institution: ['institution_admin', 'examiner'],
	// there is no separate regulator-admin role: a regulator's staff manage the regulator's accounts
	regulator: ['regulator'],
	government: ['learner'],
	platform: ['platform_admin']
};

/** The roles that manage accounts (of their own organisation; platform_admin of every one). */
export const ACCOUNT_ADMIN_ROLES: Role[] = ['enterprise_admin', 'institution_admin', 'regulator', 'platform_admin'];

export function rolesForOrgKind(kind: string): readonly Role[] {
	return ROLES_BY_ORG_KIND[kind] ?? [];
}

export function isAdminRoleOf(kind: string, role: string): boolean {
	return ACCOUNT_ADMIN_ROLES.includes(role as Role) && rolesForOrgKind(kind).includes(role as Role);
}
