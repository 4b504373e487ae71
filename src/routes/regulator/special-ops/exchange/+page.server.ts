import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { addDays } from '#lib/server/certificates/rules.ts';
import { importExternalCertificates } from '#lib/server/special-ops/exchange/exchange-service.ts';
import { fileJsonAdapter } from '#lib/server/special-ops/exchange/adapter.ts';
import { listExternalCertificates } from '#lib/server/special-ops/exchange/exchange.repository.ts';
import { formFailure, type FailureRow } from '#lib/forms/failure.ts';
import { EXCHANGE_FORMAT, EXCHANGE_MAX_BYTES, EXCHANGE_VERSION } from '#lib/server/special-ops/exchange/format.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'regulator');
	const today = shanghaiDate(now());
	return { format: EXCHANGE_FORMAT, version: EXCHANGE_VERSION, from: addDays(today, -30), to: today, imported: await listExternalCertificates(await getDb(), scope.regionPath) };
};

/** Nothing was imported: the count of problems is the form's message, the first 200 are its rows. */
function refuse(problems: FailureRow[]) {
	return formFailure(400, problems.length ? `未导入（共 ${problems.length} 处错误）：` : '未导入：', { rows: problems.slice(0, 200) });
}

export const actions: Actions = {
	import: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'regulator');
		const file = (await request.formData()).get('file');
		if (!(file instanceof File) || file.size === 0) return refuse([{ row: 0, message: '请选择要导入的 JSON 文件' }]);
		if (file.size > EXCHANGE_MAX_BYTES) return refuse([{ row: 0, message: '文件超过 5 MB' }]);
		const r = await importExternalCertificates(await getDb(), { ...actorOf(scope, { getClientAddress }), regionPath: scope.regionPath, regionCode: scope.regionCode }, fileJsonAdapter, await file.text(), now());
		if (!r.ok) return refuse(r.errors);
		return { imported: r.imported };
	}
};
