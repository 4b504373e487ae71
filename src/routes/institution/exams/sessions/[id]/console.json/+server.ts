import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { sessionConsole } from '#lib/server/proctoring/console.query.ts';
import { requireVisibleSession } from '../../../exam-pages.server.ts';

/** The live console's rows (polled every 5 s by the session page). */
export const GET: RequestHandler = async ({ locals, params }) => {
	const scope = requireApiRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	const session = await requireVisibleSession(db, scope, params.id);
	const at = now();
	return json({ rows: await sessionConsole(db, session, at), serverNow: at.toISOString() }, { headers: { 'cache-control': 'no-store' } });
};
