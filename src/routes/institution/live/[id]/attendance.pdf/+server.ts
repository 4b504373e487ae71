import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, liveSettings, now } from '#lib/server/runtime.ts';
import { requireConsoleClass } from '#lib/server/live/guard.ts';
import { getConsoleView } from '#lib/server/live/console.ts';
import { attendancePdf } from '#lib/server/live/attendance-export.ts';

export const GET: RequestHandler = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner', 'enterprise_admin');
	const db = await getDb();
	const cls = await requireConsoleClass(db, scope, params.id);
	const at = now();
	const view = await getConsoleView(db, cls, at, liveSettings().config);
	const body = await attendancePdf(cls, view, at);
	const name = `直播考勤-${cls.title}.pdf`;
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="live-${cls.id}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
			'cache-control': 'private, no-store'
		}
	});
};
