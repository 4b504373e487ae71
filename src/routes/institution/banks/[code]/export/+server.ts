import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { requireBank } from '#lib/server/question-bank/guard.ts';
import { listBankQuestionsForExport } from '#lib/server/question-bank/bank.query.ts';
import { exportQuestionsXlsx } from '#lib/server/question-bank/excel.ts';

export const GET: RequestHandler = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	const bank = await requireBank(db, scope, params.code);
	const body = await exportQuestionsXlsx(bank, await listBankQuestionsForExport(db, bank.id));
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="${bank.code}.xlsx"; filename*=UTF-8''${encodeURIComponent(`${bank.name}.xlsx`)}`
		}
	});
};
