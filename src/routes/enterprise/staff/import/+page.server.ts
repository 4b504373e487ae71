import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { importStaffXlsx } from '#lib/server/people/staff-import.ts';
import { MAX_STAFF_ROWS } from '#lib/server/people/staff-excel.ts';
import { formFailure } from '#lib/forms/failure.ts';

const MAX_FILE_BYTES = 20 * 1024 * 1024;

export const load: PageServerLoad = async ({ locals }) => {
	requireRole(locals, 'enterprise_admin');
	return { maxRows: MAX_STAFF_ROWS, maxMegabytes: MAX_FILE_BYTES / 1024 / 1024 };
};

export const actions: Actions = {
	import: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'enterprise_admin');
		const file = (await request.formData()).get('file');
		if (!(file instanceof File) || file.size === 0) return formFailure(400, { file: '请选择要导入的 Excel（.xlsx）文件' }, { rows: [] });
		if (file.size > MAX_FILE_BYTES) return formFailure(400, { file: `文件超过${MAX_FILE_BYTES / 1024 / 1024}MB，请拆分后导入` }, { rows: [] });
		const result = await importStaffXlsx(
			await getDb(),
			{ data: new Uint8Array(await file.arrayBuffer()) },
			{ ...actorOf(scope, { getClientAddress }), now: now() }
		);
		if (!result.ok) {
			const summary = result.badRows > 0 ? `导入失败：共 ${result.badRows} 行有问题，未导入任何人员。请按下表修改后重新上传。` : '导入失败，未导入任何人员。';
			return formFailure(400, { file: summary }, { rows: result.errors });
		}
		redirect(303, `/enterprise/staff?imported=${result.imported}`);
	}
};
