import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireArchiveYear } from '#lib/schemas/archive.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { getOrganisation } from '#lib/server/orgs/orgs.query.ts';
import { archiveYearOf, listOrgPersonArchives } from '#lib/server/study/archive.query.ts';
import { streamArchivePdf } from '#lib/server/study/archive-pdf.ts';

/** Every active person of the enterprise, one per page. */
export const GET: RequestHandler = async ({ locals, url }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const at = now();
	const year = requireArchiveYear(url, archiveYearOf(at));
	const db = await getDb();
	const org = await getOrganisation(db, scope.orgId);
	if (!org) error(404, '单位不存在');
	const archives = await listOrgPersonArchives(db, scope.orgId, { year });
	const body = streamArchivePdf(archives, { generatedAt: at, orgName: org.name, emptyNote: '本单位暂无在岗人员。' });
	const name = `安全生产教育和培训档案-${org.name}-${year}.pdf`;
	return new Response(body, {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="archive-${year}.pdf"; filename*=UTF-8''${encodeURIComponent(name)}`,
			'cache-control': 'private, no-store'
		}
	});
};
