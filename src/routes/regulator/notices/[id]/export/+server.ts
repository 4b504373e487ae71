import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { getDb } from '#lib/server/runtime.ts';
import { loadNoticeForRegulator } from '#lib/server/supervision/notice-service.ts';
import { buildNoticeXlsx } from '#lib/server/supervision/notice-xlsx.ts';

export const GET: RequestHandler = async ({ locals, params }) => {
	const scope = requireRole(locals, 'regulator');
	const id = requireIdParam(params.id, '没有这条督办通知');
	const found = await loadNoticeForRegulator(await getDb(), scope, id);
	if (!found) error(404, '没有这条督办通知');
	const body = await buildNoticeXlsx(found.notice, found.recipients);
	const name = `督办情况-${found.notice.title}.xlsx`;
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="notice-${id}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
			'cache-control': 'private, no-store'
		}
	});
};
