import { error, redirect } from '@sveltejs/kit';
import { formFailure } from '#lib/forms/failure.ts';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { requireBank } from '#lib/server/question-bank/guard.ts';
import { getQuestionDetail, listKnowledge, listSourceChoices } from '#lib/server/question-bank/bank.query.ts';
import { confirmQuestionReview, saveQuestion, setQuestionRetired } from '#lib/server/question-bank/edit.ts';
import { parseQuestionForm } from '#lib/schemas/question-form.ts';
import { actorOf } from '#lib/server/audit/actor.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	const bank = await requireBank(db, scope, params.code);
	const detail = await getQuestionDetail(db, bank.id, params.qid);
	if (!detail) error(404, '题库中没有这道题');
	return {
		bank: { code: bank.code, name: bank.name, editable: bank.editable && scope.role === 'institution_admin' },
		...detail,
		knowledge: await listKnowledge(db, bank.id),
		sources: await listSourceChoices(db)
	};
};

export const actions: Actions = {
	save: async (event) => {
		const { locals, params, request } = event;
		const scope = requireRole(locals, 'institution_admin');
		const db = await getDb();
		const bank = await requireBank(db, scope, params.code, true);
		const form = await request.formData();
		form.set('id', params.qid);
		const parsed = parseQuestionForm(form);
		if (!parsed.ok) return formFailure(400, parsed.errors);
		const result = await saveQuestion(db, bank, parsed.question, actorOf(scope, event), 'edit', now());
		if (!result.ok) return formFailure(400, result.errors);
		redirect(303, `/institution/banks/${bank.code}/q/${params.qid}?saved=1`);
	},
	retire: async (event) => {
		const { locals, params } = event;
		const scope = requireRole(locals, 'institution_admin');
		const db = await getDb();
		const bank = await requireBank(db, scope, params.code, true);
		await setQuestionRetired(db, bank, params.qid, true, actorOf(scope, event), now());
		redirect(303, `/institution/banks/${bank.code}/q/${params.qid}`);
	},
	restore: async (event) => {
		const { locals, params } = event;
		const scope = requireRole(locals, 'institution_admin');
		const db = await getDb();
		const bank = await requireBank(db, scope, params.code, true);
		await setQuestionRetired(db, bank, params.qid, false, actorOf(scope, event), now());
		redirect(303, `/institution/banks/${bank.code}/q/${params.qid}`);
	},
	confirm: async (event) => {
		const { locals, params } = event;
		const scope = requireRole(locals, 'institution_admin');
		const db = await getDb();
		const bank = await requireBank(db, scope, params.code, true);
		const r = await confirmQuestionReview(db, bank, params.qid, actorOf(scope, event), now());
		if (!r.ok) return formFailure(400, r.message);
		redirect(303, `/institution/banks/${bank.code}/q/${params.qid}`);
	}
};
