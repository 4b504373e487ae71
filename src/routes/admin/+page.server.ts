import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { countOrganisationsByKind, countPlatformUsage } from '#lib/server/orgs/orgs.query.ts';
import { listRecentAudit, verifyAuditChain } from '#lib/server/audit/audit.ts';
import { listAuditCheckpoints } from '#lib/server/audit/checkpoint.repository.ts';

export const load: PageServerLoad = async ({ locals }) => {
	requireRole(locals, 'platform_admin');
	const db = await getDb();
	return {
		orgs: await countOrganisationsByKind(db),
		usage: await countPlatformUsage(db, now()),
		// against the signed checkpoints too: a rewritten row with a recomputed chain is still found
		audit: await verifyAuditChain(db, 5000, await listAuditCheckpoints(db)),
		recent: await listRecentAudit(db, 20)
	};
};
