import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listSpecialOperations } from '#lib/server/people/people.query.ts';
import { buildStaffTemplateXlsx } from '#lib/server/people/staff-excel.ts';

export const GET: RequestHandler = async ({ locals }) => {
	requireRole(locals, 'enterprise_admin');
	const body = await buildStaffTemplateXlsx(await listSpecialOperations(await getDb()));
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="staff-template.xlsx"; filename*=UTF-8''${encodeURIComponent('人员名单导入模板.xlsx')}`,
			'cache-control': 'no-store'
		}
	});
};
