import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { countByStatusInRegion, listApplications } from '#lib/server/special-ops/applications.repository.ts';
import { APPLICATION_STATUS_LABELS, type ApplicationStatus } from '#lib/domain/so-application.ts';

// The 考核发证机关's view: applications to institutions in its region, read-only, with counts.
export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'regulator');
	const db = await getDb();
	const asked = url.searchParams.get('status') ?? 'submitted';
	const status = (asked in APPLICATION_STATUS_LABELS && asked !== 'draft' ? asked : 'submitted') as ApplicationStatus;
	const [counts, rows] = await Promise.all([countByStatusInRegion(db, scope.regionPath), listApplications(db, { regionPath: scope.regionPath, status, limit: 200 })]);
	return {
		status,
		counts,
		applications: rows.map((a) => ({ id: a.id, name: a.person_name, item: a.item, institution: a.institution_name, enterprise: a.enterprise_name, submittedAt: a.submitted_at, reviewedAt: a.reviewed_at, reason: a.review_reason }))
	};
};
