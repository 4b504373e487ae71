import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireArchiveYear } from '#lib/schemas/archive.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { archiveYearOf, getEnterpriseArchive, listOrgPersonArchives } from '#lib/server/study/archive.query.ts';
import { buildArchiveXlsx } from '#lib/server/study/archive-xlsx.ts';

export const GET: RequestHandler = async ({ locals, url }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const at = now();
	const year = requireArchiveYear(url, archiveYearOf(at));
	const db = await getDb();
	const summary = await getEnterpriseArchive(db, scope.orgId, { year });
	if (!summary) error(404, '单位不存在');
	const details = await listOrgPersonArchives(db, scope.orgId, { year, withDaily: false });
	const body = await buildArchiveXlsx(summary, details, { generatedAt: at });
	const name = `安全生产教育和培训档案-${summary.org.name}-${year}.xlsx`;
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="archive-${year}.xlsx"; filename*=UTF-8''${encodeURIComponent(name)}`,
			'cache-control': 'private, no-store'
		}
	});
};
