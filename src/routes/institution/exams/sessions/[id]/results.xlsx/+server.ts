import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { buildResultsXlsx, sessionResults } from '#lib/server/exams/results.query.ts';
import { requireVisibleSession } from '../../../exam-pages.server.ts';

/** Full 身份证号 for the institution's admins (they file the results); masked for examiners. */
export const GET: RequestHandler = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	const session = await requireVisibleSession(db, scope, params.id);
	const rows = await sessionResults(db, session.id, { fullIdNumbers: scope.role === 'institution_admin' });
	const body = await buildResultsXlsx({ name: session.name, opensAt: session.opens_at, closesAt: session.closes_at }, rows, now());
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="exam-results-${session.id}.xlsx"; filename*=UTF-8''${encodeURIComponent(`考试成绩-${session.name}.xlsx`)}`,
			'cache-control': 'private, no-store'
		}
	});
};
