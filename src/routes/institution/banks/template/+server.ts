import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { buildTemplateXlsx } from '#lib/server/question-bank/excel.ts';

export const GET: RequestHandler = async ({ locals }) => {
	requireRole(locals, 'institution_admin', 'examiner');
	const body = await buildTemplateXlsx();
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="question-template.xlsx"; filename*=UTF-8''${encodeURIComponent('题库导入模板.xlsx')}`
		}
	});
};
