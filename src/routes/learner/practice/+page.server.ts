import { redirect } from '@sveltejs/kit';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { idSchema } from '#lib/schemas/params.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import {
	CHAPTER_DEFAULT_COUNT,
	knowledgeTree,
	listMockExams,
	listOpenBanks,
	listOpenPractice,
	PRACTICE_MAX_COUNT,
	startChapterPractice,
	startMockExam
} from '#lib/server/practice/practice-service.ts';
import { findExamLock } from '#lib/server/exams/exam-lock.query.ts';
import { examLockMessage } from '#lib/server/exams/exam-lock.ts';
import { formFailure } from '#lib/forms/failure.ts';

const id = idSchema;
const mockSchema = z.object({ blueprintId: id });
const chapterSchema = z.object({
	bankId: id,
	knowledge: z
		.string()
		.trim()
		.max(100)
		.regex(/^([a-z0-9][a-z0-9.-]*)?$/, '知识点编号格式不正确')
		.transform((v) => v || null),
	count: z.coerce
		.number({ error: `题量应为 1–${PRACTICE_MAX_COUNT} 的整数` })
		.int(`题量应为 1–${PRACTICE_MAX_COUNT} 的整数`)
		.min(1, `题量应为 1–${PRACTICE_MAX_COUNT} 的整数`)
		.max(PRACTICE_MAX_COUNT, `题量应为 1–${PRACTICE_MAX_COUNT} 的整数`)
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'learner');
	if (!scope.personId) return { linked: false as const };
	const db = await getDb();
	const at = now();
	const [mocks, banks, open, lock] = await Promise.all([
		listMockExams(db, scope.personId, at),
		listOpenBanks(db, scope.personId),
		listOpenPractice(db, scope.personId, at),
		findExamLock(db, scope.personId, at)
	]);
	const asked = id.safeParse(url.searchParams.get('bank'));
	const bank = banks.find((b) => asked.success && b.id === asked.data) ?? (banks.length === 1 ? banks[0] : undefined) ?? null;
	const tree = bank ? ((await knowledgeTree(db, scope.personId, bank.id)) ?? []) : [];
	return {
		linked: true as const,
		mocks,
		banks,
		bank,
		tree,
		lockedBankIds: [...lock.bankIds],
		lockMessage: lock.bankIds.size ? examLockMessage(lock) : null,
		open: open.map((o) => ({ ...o, startedAt: o.startedAt.toISOString(), deadlineAt: o.deadlineAt?.toISOString() ?? null })),
		defaultCount: CHAPTER_DEFAULT_COUNT,
		maxCount: PRACTICE_MAX_COUNT
	};
};

export const actions: Actions = {
	mock: async ({ locals, request }) => {
		const scope = requireRole(locals, 'learner');
		const parsed = mockSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success || !scope.personId) return formFailure(400, '请选择一套模拟考试。', { action: 'mock' });
		const r = await startMockExam(await getDb(), { personId: scope.personId, blueprintId: parsed.data.blueprintId }, now());
		if (!r.ok) return formFailure(400, r.reason, { action: 'mock' });
		redirect(303, `/learner/exams/attempts/${r.attemptId}`);
	},
	chapter: async ({ locals, request }) => {
		const scope = requireRole(locals, 'learner');
		const parsed = chapterSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) {
			const issue = parsed.error.issues[0];
			const field = String(issue?.path[0] ?? 'form');
			return formFailure(400, { [field]: field === 'bankId' ? '请选择题库。' : (issue?.message ?? '输入不正确') }, { action: 'chapter' });
		}
		if (!scope.personId) return formFailure(400, '您的账号尚未关联人员档案，请联系单位管理员。', { action: 'chapter' });
		const r = await startChapterPractice(await getDb(), { personId: scope.personId, ...parsed.data }, now());
		if (!r.ok) return formFailure(400, r.reason, { action: 'chapter' });
		redirect(303, `/learner/exams/attempts/${r.attemptId}`);
	}
};
