import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { XLSX_UPLOAD_BYTES } from '#lib/server/http/body-limit.ts';
import { importDirectoryXlsx } from '#lib/server/orgs/directory-import.ts';
import { MAX_DIRECTORY_ROWS } from '#lib/server/orgs/directory-excel.ts';
import { formFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	requireRole(locals, 'regulator');
	return { maxRows: MAX_DIRECTORY_ROWS, maxMegabytes: XLSX_UPLOAD_BYTES / 1024 / 1024 };
};

export const actions: Actions = {
	import: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'regulator');
		const file = (await request.formData()).get('file');
		if (!(file instanceof File) || file.size === 0) return formFailure(400, { file: '请选择要导入的 Excel（.xlsx）文件' }, { rows: [] });
		if (file.size > XLSX_UPLOAD_BYTES) return formFailure(400, { file: `文件超过${XLSX_UPLOAD_BYTES / 1024 / 1024}MB，请拆分后导入` }, { rows: [] });
		const result = await importDirectoryXlsx(
			await getDb(),
			{ data: new Uint8Array(await file.arrayBuffer()) },
			{ ...actorOf(scope, event), regionPath: scope.regionPath },
			now()
		);
		if (!result.ok) {
			const summary = result.badRows > 0 ? `导入失败：共 ${result.badRows} 行有问题，未导入任何企业。请按下表修改后重新上传。` : '导入失败，未导入任何企业。';
			return formFailure(400, { file: summary }, { rows: result.errors });
		}
		const { created, updated, unchanged, changes } = result;
		return { report: { created, updated, unchanged, changes } };
	}
};
