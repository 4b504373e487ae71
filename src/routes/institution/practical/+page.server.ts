import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { listExaminerSessions } from '#lib/server/special-ops/practical.repository.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'examiner', 'institution_admin');
	const db = await getDb();
	const today = shanghaiDate(now());
	const start = new Date(`${today}T00:00:00+08:00`);
	const tomorrow = new Date(start.getTime() + 86_400_000);
	const week = new Date(start.getTime() + 8 * 86_400_000);
	const examiner = scope.role === 'examiner' ? scope.userId : null;
	return {
		today,
		role: scope.role,
		todaySessions: await listExaminerSessions(db, examiner, scope.orgId, start, tomorrow),
		upcoming: await listExaminerSessions(db, examiner, scope.orgId, tomorrow, week)
	};
};
