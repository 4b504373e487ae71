import type { Role } from './labels.ts';

/** The roles that manage accounts: their own organisation's (platform_admin: every organisation's). Client-safe. */
export const ACCOUNT_ADMIN_ROLES: Role[] = ['enterprise_admin', 'institution_admin', 'regulator', 'platform_admin'];

export function managesAccounts(role: string | null | undefined): boolean {
	return ACCOUNT_ADMIN_ROLES.includes(role as Role);
}
