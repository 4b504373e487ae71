import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { requireBank } from '#lib/server/question-bank/guard.ts';
import { exportBankXlsx } from '#lib/server/question-bank/edit.ts';

export const GET: RequestHandler = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	const bank = await requireBank(db, scope, params.code);
	const body = await exportBankXlsx(db, bank);
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="${bank.code}.xlsx"; filename*=UTF-8''${encodeURIComponent(`${bank.name}.xlsx`)}`
		}
	});
};
