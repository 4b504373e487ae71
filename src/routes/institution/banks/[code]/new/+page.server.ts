import { redirect } from '@sveltejs/kit';
import { formFailure } from '#lib/forms/failure.ts';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { requireBank } from '#lib/server/question-bank/guard.ts';
import { listKnowledge, listSourceChoices } from '#lib/server/question-bank/bank.query.ts';
import { saveQuestion } from '#lib/server/question-bank/edit.ts';
import { parseQuestionForm } from '#lib/schemas/question-form.ts';
import { actorOf } from '#lib/server/audit/actor.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	const bank = await requireBank(db, scope, params.code, true);
	return { bank: { code: bank.code, name: bank.name }, knowledge: await listKnowledge(db, bank.id), sources: await listSourceChoices(db) };
};

export const actions: Actions = {
	save: async (event) => {
		const { locals, params, request } = event;
		const scope = requireRole(locals, 'institution_admin');
		const db = await getDb();
		const bank = await requireBank(db, scope, params.code, true);
		const parsed = parseQuestionForm(await request.formData());
		if (!parsed.ok) return formFailure(400, parsed.errors);
		const result = await saveQuestion(db, bank, parsed.question, actorOf(scope, event), 'create', now());
		if (!result.ok) return formFailure(400, result.errors);
		redirect(303, `/institution/banks/${bank.code}/q/${parsed.question.id}?saved=1`);
	}
};
