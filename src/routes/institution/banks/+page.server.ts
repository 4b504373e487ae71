import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listVisibleBanks } from '#lib/server/question-bank/bank.query.ts';
import { importQuestionsXlsx } from '#lib/server/question-bank/edit.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';
import { newBankSchema } from '#lib/schemas/bank.ts';
import { actorOf } from '#lib/server/audit/actor.ts';

const MAX_UPLOAD = 20 * 1024 * 1024;

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	return { banks: await listVisibleBanks(await getDb(), scope.orgId, now()), canEdit: scope.role === 'institution_admin' };
};

export const actions: Actions = {
	create: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'institution_admin');
		const form = await request.formData();
		const parsed = newBankSchema.safeParse({ code: form.get('code'), name: form.get('name') });
		if (!parsed.success) return zodFailure(parsed.error);
		const file = form.get('file');
		if (!(file instanceof File) || file.size === 0) return formFailure(400, { file: '请选择要导入的 Excel（.xlsx）文件' });
		if (file.size > MAX_UPLOAD) return formFailure(400, { file: '文件超过20MB' });
		const result = await importQuestionsXlsx(
			await getDb(),
			{ data: new Uint8Array(await file.arrayBuffer()), ownerOrgId: scope.orgId, bank: null, create: parsed.data },
			actorOf(scope, event),
			now()
		);
		if (!result.ok) return formFailure(400, { file: `导入失败，共 ${result.errors.length} 处问题，未写入任何内容` }, { rows: result.errors });
		redirect(303, `/institution/banks/${result.bankCode}?imported=${result.added}`);
	}
};
