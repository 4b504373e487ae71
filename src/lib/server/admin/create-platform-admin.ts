import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { createAdminAccount, type CreatedAccount } from './admin-account.ts';
import { SYSTEM_ACTOR } from '../audit/actor.ts';
import { findPlatformOrg, insertOrganisation } from '../orgs/orgs.repository.ts';

const PLATFORM_ORG = { name: '安训平台运营方', region: '500000' };

/**
 * The first platform admin of a deployment (npm run admin:create). Creates the platform's own
 * organisation when there is none (a deployment seeded with reference data only). Audited with
 * no actor: whoever runs the command holds the server.
 */
export async function createPlatformAdmin(db: Db, input: { mobile: string; name: string; now: Date }): Promise<CreatedAccount> {
	return withTransaction(db, async (tx) => {
		const orgId =
			(await findPlatformOrg(tx))?.id ??
			(await insertOrganisation(
				tx,
				{ kind: 'platform', name: PLATFORM_ORG.name, credit_code: null, region_code: PLATFORM_ORG.region, industry_code: null, scale: null, standardization_level: null, gov_type: null, address: null, legal_rep: null },
				input.now
			));
		return createAdminAccount(tx, { name: input.name, mobile: input.mobile, idNumber: null, role: 'platform_admin', orgId }, { ...SYSTEM_ACTOR, role: 'cli' }, input.now);
	});
}
