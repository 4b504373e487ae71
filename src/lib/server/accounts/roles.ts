import type { Role } from '../../domain/labels.ts';
import { ACCOUNT_ADMIN_ROLES } from '../../domain/accounts.ts';

export { ACCOUNT_ADMIN_ROLES };

// Which roles an organisation of each kind may hold.
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

export function rolesForOrgKind(kind: string): readonly Role[] {
	return ROLES_BY_ORG_KIND[kind] ?? [];
}
