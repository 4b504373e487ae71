import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { getPersonProfile } from '#lib/server/people/people.query.ts';
import { getMyStudy } from '#lib/server/study/my-study.query.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { listMySessions } from '#lib/server/exams/result.query.ts';
import { listPersonCertificates } from '#lib/server/certificates/certificates.query.ts';
import { certificateView } from '#lib/server/certificates/views.ts';
import { listMyLiveClasses } from '#lib/server/live/my-live.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'learner');
	const db = await getDb();
	const profile = scope.personId ? await getPersonProfile(db, scope.personId) : undefined;
	const at = now();
	const today = shanghaiDate(at);
	const year = Number(today.slice(0, 4));
	const study = scope.personId ? await getMyStudy(db, scope.personId, scope.orgId, year, today) : null;
	// The same query as 我的考试 (/learner/exams), so the two pages agree.
	const exams = scope.personId ? await listMySessions(db, scope.personId, at) : [];
	// The same query and mapping as 我的证书 (/learner/certificates).
	const certificates = scope.personId ? (await listPersonCertificates(db, scope.personId)).map((c) => certificateView(c, at)) : [];
	// upcoming and on-air live classes (the list page also shows replays)
	const live = scope.personId ? (await listMyLiveClasses(db, scope.personId, at)).filter((c) => c.phase !== 'ended' && c.phase !== 'cancelled') : [];
	return { profile: profile ?? null, study, today, exams, certificates, live };
};
