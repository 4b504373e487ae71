import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { sessionResults, summariseResults } from '#lib/server/exams/results.query.ts';
import { requireVisibleSession } from '../../../exam-pages.server.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	const session = await requireVisibleSession(db, scope, params.id);
	const rows = await sessionResults(db, session.id);
	return { session: { id: session.id, name: session.name }, rows, summary: summariseResults(rows) };
};
