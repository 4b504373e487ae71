import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listIndustries, listJurisdictionRegions } from '#lib/server/orgs/directory.repository.ts';
import { buildDirectoryTemplateXlsx } from '#lib/server/orgs/directory-excel.ts';

export const GET: RequestHandler = async ({ locals }) => {
	const scope = requireRole(locals, 'regulator');
	const db = await getDb();
	const body = await buildDirectoryTemplateXlsx(await listJurisdictionRegions(db, scope.regionPath), await listIndustries(db));
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="enterprise-directory-template.xlsx"; filename*=UTF-8''${encodeURIComponent('企业名录导入模板.xlsx')}`,
			'cache-control': 'no-store'
		}
	});
};
