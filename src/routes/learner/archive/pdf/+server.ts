import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireArchiveYear } from '#lib/schemas/archive.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { archiveYearOf, getPersonArchive } from '#lib/server/study/archive.query.ts';
import { renderArchivePdf } from '#lib/server/study/archive-pdf.ts';

export const GET: RequestHandler = async ({ locals, url }) => {
	const scope = requireRole(locals, 'learner');
	const at = now();
	const year = requireArchiveYear(url, archiveYearOf(at));
	const archive = scope.personId ? await getPersonArchive(await getDb(), scope.personId, { year }) : undefined;
	if (!archive) error(404, '您的账号尚未关联人员档案');
	const body = await renderArchivePdf([archive], { generatedAt: at });
	const name = `安全生产教育和培训档案-${archive.person.name}-${year}.pdf`;
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="archive-${year}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
			'cache-control': 'private, no-store'
		}
	});
};
