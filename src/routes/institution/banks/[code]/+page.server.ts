import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { z } from 'zod';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { requireBank } from '#lib/server/question-bank/guard.ts';
import { countByDifficultyAndKnowledge, listQuestions, usableCounts } from '#lib/server/question-bank/bank.query.ts';
import { importQuestionsXlsx } from '#lib/server/question-bank/edit.ts';
import { deriveBankFromPlatform } from '#lib/server/question-bank/derive.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';
import { newBankSchema } from '#lib/schemas/bank.ts';
import { QUESTION_TYPES } from '#lib/question-bank/schema.ts';
import { actorOf } from '#lib/server/audit/actor.ts';

const filterSchema = z.object({
	q: z.string().trim().max(100).optional().catch(undefined),
	type: z.enum(QUESTION_TYPES).optional().catch(undefined),
	difficulty: z.coerce.number().int().min(1).max(5).optional().catch(undefined),
	knowledge: z.string().max(60).optional().catch(undefined),
	status: z.enum(['active', 'retired']).optional().catch(undefined),
	review: z.enum(['pending_review']).optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(10_000).catch(1)
});

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	const bank = await requireBank(db, scope, params.code);
	const p = Object.fromEntries([...url.searchParams].filter(([, v]) => v !== ''));
	const filter = filterSchema.parse(p);
	return {
		bank: { code: bank.code, name: bank.name, editable: bank.editable && scope.role === 'institution_admin' },
		// a platform bank: the admin may derive the institution's own, editable bank from it
		derive: bank.owner_org_id === null && scope.role === 'institution_admin' ? { code: `${bank.code}-org${scope.orgId}`.slice(0, 40), name: `${bank.name}（本机构）`.slice(0, 100) } : null,
		canAnalyse: scope.role === 'institution_admin',
		filter,
		stats: await countByDifficultyAndKnowledge(db, bank.id),
		usable: (await usableCounts(db, [bank.id], now())).get(bank.id) ?? { usable: 0, cases: 0 },
		list: await listQuestions(db, bank.id, filter, filter.page)
	};
};

export const actions: Actions = {
	derive: async (event) => {
		const { locals, params, request } = event;
		const scope = requireRole(locals, 'institution_admin');
		const form = await request.formData();
		const parsed = newBankSchema.safeParse({ code: form.get('code'), name: form.get('name') });
		if (!parsed.success) return zodFailure(parsed.error, { action: 'derive', values: { code: String(form.get('code') ?? ''), name: String(form.get('name') ?? '') } });
		const result = await deriveBankFromPlatform(await getDb(), { sourceCode: params.code, ...parsed.data }, actorOf(scope, event), now());
		if (!result.ok) return formFailure(400, result.errors, { action: 'derive', values: parsed.data });
		redirect(303, `/institution/banks/${result.bankCode}?derived=${result.questions}`);
	},
	import: async (event) => {
		const { locals, params, request } = event;
		const scope = requireRole(locals, 'institution_admin');
		const db = await getDb();
		const bank = await requireBank(db, scope, params.code, true);
		const file = (await request.formData()).get('file');
		if (!(file instanceof File) || file.size === 0) return formFailure(400, { file: '请选择要导入的 Excel（.xlsx）文件' });
		if (file.size > 20 * 1024 * 1024) return formFailure(400, { file: '文件超过20MB' });
		const result = await importQuestionsXlsx(db, { data: new Uint8Array(await file.arrayBuffer()), ownerOrgId: scope.orgId, bank }, actorOf(scope, event), now());
		if (!result.ok) return formFailure(400, { file: `导入失败，共 ${result.errors.length} 处问题，未写入任何内容` }, { rows: result.errors });
		redirect(303, `/institution/banks/${bank.code}?imported=${result.added + result.changed}`);
	}
};
