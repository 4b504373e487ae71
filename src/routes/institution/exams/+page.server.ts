import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listSessions } from '#lib/server/exams/session-service.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	return { sessions: await listSessions(db, scope), isAdmin: scope.role === 'institution_admin' };
};
