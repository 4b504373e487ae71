import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { idSchema } from '#lib/schemas/params.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { getWrongAnswerBook } from '#lib/server/practice/wrong-answers.query.ts';
import { startWrongAnswerPractice, WRONG_RETRY_DEFAULT_COUNT } from '#lib/server/practice/practice-service.ts';
import { formFailure } from '#lib/forms/failure.ts';

const bankId = idSchema;
const knowledge = z.string().trim().max(100).regex(/^[a-z0-9][a-z0-9.-]*$/);
const filterSchema = z.object({
	bank: bankId.optional().catch(undefined),
	kp: knowledge.optional().catch(undefined),
	view: z.enum(['open', 'mastered']).catch('open')
});
const retrySchema = z.object({
	bankId: z.union([z.literal('').transform(() => null), bankId]).default(null),
	knowledge: z.union([z.literal('').transform(() => null), knowledge]).default(null)
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'learner');
	if (!scope.personId) return { linked: false as const };
	const filter = filterSchema.parse({ bank: url.searchParams.get('bank') || undefined, kp: url.searchParams.get('kp') || undefined, view: url.searchParams.get('view') ?? 'open' });
	const book = await getWrongAnswerBook(await getDb(), scope.personId, now(), { bankId: filter.bank ?? null, knowledge: filter.kp ?? null });
	const shown = filter.view === 'open' ? book.open : book.mastered;
	return {
		linked: true as const,
		lockMessage: book.lockMessage,
		filter: { bank: filter.bank ?? null, kp: filter.kp ?? null, view: filter.view },
		banks: book.banks,
		points: book.knowledgePoints,
		counts: { open: book.open.length, mastered: book.mastered.length, retry: Math.min(book.open.filter((i) => i.retryable).length, WRONG_RETRY_DEFAULT_COUNT) },
		items: shown.map((i) => ({ ...i, lastWrongAt: i.lastWrongAt.toISOString(), resolvedAt: i.resolvedAt?.toISOString() ?? null }))
	};
};

export const actions: Actions = {
	retry: async ({ locals, request }) => {
		const scope = requireRole(locals, 'learner');
		const parsed = retrySchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return formFailure(400, '筛选条件不正确，请刷新页面后重试。');
		if (!scope.personId) return formFailure(400, '您的账号尚未关联人员档案，请联系单位管理员。');
		const r = await startWrongAnswerPractice(await getDb(), { personId: scope.personId, bankId: parsed.data.bankId, knowledge: parsed.data.knowledge }, now());
		if (!r.ok) return formFailure(400, r.reason);
		redirect(303, `/learner/exams/attempts/${r.attemptId}`);
	}
};
