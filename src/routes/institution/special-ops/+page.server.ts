import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listApplications } from '#lib/server/special-ops/applications.repository.ts';
import { APPLICATION_STATUS_LABELS, type ApplicationStatus } from '#lib/domain/so-application.ts';

// 资格审查 queue of the institution: submitted applications first (oldest first is the order the
// 5-working-day review runs in, 30号令 第十七条), other states on a filter.
export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'institution_admin');
	const asked = url.searchParams.get('status') ?? 'submitted';
	const status = (asked in APPLICATION_STATUS_LABELS ? asked : 'submitted') as ApplicationStatus;
	const rows = await listApplications(await getDb(), { institutionOrgId: scope.orgId, status });
	return {
		status,
		applications: rows
			.map((a) => ({ id: a.id, name: a.person_name, item: a.item, enterprise: a.enterprise_name, channel: a.channel, submittedAt: a.submitted_at, hasPhoto: a.photo_file_id !== null }))
			.reverse()
	};
};
