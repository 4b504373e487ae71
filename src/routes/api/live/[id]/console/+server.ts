import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, liveSettings, now } from '#lib/server/runtime.ts';
import { requireConsoleClass } from '#lib/server/live/guard.ts';
import { getConsoleView } from '#lib/server/live/console.ts';

/** The console polls this: audience count, attendance, questions. */
export const GET: RequestHandler = async ({ locals, params }) => {
	const scope = requireApiRole(locals, 'institution_admin', 'examiner', 'enterprise_admin');
	const db = await getDb();
	const cls = await requireConsoleClass(db, scope, params.id);
	return json(await getConsoleView(db, cls, now(), liveSettings().config), { headers: { 'cache-control': 'no-store' } });
};
