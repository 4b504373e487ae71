import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { getPersonProfile } from '#lib/server/people/people.query.ts';
import { getMyStudy } from '#lib/server/study/my-study.query.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'learner');
	const db = await getDb();
	const profile = scope.personId ? await getPersonProfile(db, scope.personId) : undefined;
	const today = shanghaiDate(now());
	const year = Number(today.slice(0, 4));
	const study = scope.personId ? await getMyStudy(db, scope.personId, scope.orgId, year, today) : null;
	return { profile: profile ?? null, study, today };
};
