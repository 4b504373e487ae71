import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireArchiveYear } from '#lib/schemas/archive.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { archiveYearOf, getPersonArchive } from '#lib/server/study/archive.query.ts';
import { renderArchivePdf } from '#lib/server/study/archive-pdf.ts';

/** One staff member's archive as PDF; a person of another organisation does not exist here. */
export const GET: RequestHandler = async ({ locals, params, url }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const id = requireIdParam(params.id, '本单位没有这名人员');
	const at = now();
	const year = requireArchiveYear(url, archiveYearOf(at));
	const archive = await getPersonArchive(await getDb(), id, { year, orgId: scope.orgId });
	if (!archive) error(404, '本单位没有这名人员');
	const body = await renderArchivePdf([archive], { generatedAt: at });
	const name = `安全生产教育和培训档案-${archive.person.name}-${year}.pdf`;
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="archive-${id}-${year}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
			'cache-control': 'private, no-store'
		}
	});
};
