import { redirect } from '@sveltejs/kit';
import { formFailure } from '#lib/forms/failure.ts';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listVisibleBanks, listVisibleKnowledge } from '#lib/server/question-bank/bank.query.ts';
import { newBlueprintValues, saveBlueprint } from '#lib/server/exams/blueprint-service.ts';
import { blueprintValuesFromForm } from '#lib/schemas/exam-admin.ts';
import { QUALIFICATION_EXAM_DEFAULTS } from '#lib/server/question-engine/blueprint.ts';
import { actorOf } from '#lib/server/audit/actor.ts';

const D = QUALIFICATION_EXAM_DEFAULTS;
const defaultsNote = `法定资格考试默认：考试时间 ${D.durationMinutes} 分钟，满分 ${D.totalPoints} 分，${D.passMark} 分以上合格（${D.basisDoc}${D.basisArticle}）。`;

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	return { banks: await listVisibleBanks(db, scope.orgId), knowledge: await listVisibleKnowledge(db, scope.orgId), values: newBlueprintValues(), defaultsNote };
};

export const actions: Actions = {
	default: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const values = blueprintValuesFromForm(await request.formData());
		const result = await saveBlueprint(await getDb(), actorOf(scope, { getClientAddress }), null, values, now());
		if (!result.ok) return formFailure(400, result.problems, { values, detail: result.supply });
		redirect(303, `/institution/exams/blueprints/${result.blueprintId}?saved=1`);
	}
};
