import type { PageServerLoad } from './$types';
import { z } from 'zod';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { listNeedingPracticalRetest } from '#lib/server/special-ops/return-to-post.query.ts';
import { listDuplicates, listExpiring, listSpecialWorkersWithoutCertificate, lookupStatistics, searchRegistry } from '#lib/server/coverage/certificate-audit.query.ts';

const querySchema = z.object({
	q: z.string().max(50).optional(),
	type: z.enum(['safety_knowledge', 'special_work', 'training']).optional(),
	status: z.enum(['proposed', 'issued', 'rejected', 'revoked']).optional()
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'regulator');
	const db = await getDb();
	const at = now();
	const today = shanghaiDate(at);
	const parsed = querySchema.safeParse({ q: url.searchParams.get('q') || undefined, type: url.searchParams.get('type') || undefined, status: url.searchParams.get('status') || undefined });
	const f = parsed.success ? parsed.data : {};
	return {
		filter: f,
		invalidFilter: !parsed.success,
		registry: await searchRegistry(db, scope.regionPath, f),
		expiring: await listExpiring(db, scope.regionPath, today),
		uncertified: await listSpecialWorkersWithoutCertificate(db, scope.regionPath, today),
		// holding a certificate is not enough after 6 months away from the post (30号令 第三十二条)
		retest: await listNeedingPracticalRetest(db, { regionPath: scope.regionPath }, today),
		duplicates: await listDuplicates(db, scope.regionPath, today),
		lookups: await lookupStatistics(db, scope.regionPath, scope.regionPath.split('/').filter(Boolean).length === 1, new Date(at.getTime() - 90 * 86_400_000))
	};
};
