import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { listNeedingPracticalRetest } from '#lib/server/special-ops/return-to-post.query.ts';
import { RETURN_TO_POST_BASIS } from '#lib/server/special-ops/certificate-rules.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'regulator');
	return { basis: RETURN_TO_POST_BASIS, retest: await listNeedingPracticalRetest(await getDb(), { regionPath: scope.regionPath }, shanghaiDate(now())) };
};
