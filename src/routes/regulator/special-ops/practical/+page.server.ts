import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { practicalPassRates } from '#lib/server/special-ops/practical-results.query.ts';
import { THRESHOLDS } from '#lib/server/findings/findings.query.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'regulator');
	return { ...(await practicalPassRates(await getDb(), scope.regionPath)), allPassMin: THRESHOLDS.practicalAllPassMin };
};
