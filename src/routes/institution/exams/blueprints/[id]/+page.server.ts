import { error } from '@sveltejs/kit';
import { formFailure } from '#lib/forms/failure.ts';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listVisibleBanks, listVisibleKnowledge } from '#lib/server/question-bank/bank.query.ts';
import { blueprintToValues, findOwnBlueprint, saveBlueprint, sectionSupply } from '#lib/server/exams/blueprint-service.ts';
import { blueprintValuesFromForm } from '#lib/schemas/exam-admin.ts';
import { QUALIFICATION_EXAM_DEFAULTS } from '#lib/server/question-engine/blueprint.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { idParam } from '../../exam-pages.server.ts';

const D = QUALIFICATION_EXAM_DEFAULTS;
const defaultsNote = `法定资格考试默认：考试时间 ${D.durationMinutes} 分钟，满分 ${D.totalPoints} 分，${D.passMark} 分以上合格（${D.basisDoc}${D.basisArticle}）。`;

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	const blueprint = await findOwnBlueprint(db, scope.orgId, idParam(params.id));
	if (!blueprint) error(404, '没有这个组卷策略');
	return {
		id: blueprint.id,
		banks: await listVisibleBanks(db, scope.orgId),
		knowledge: await listVisibleKnowledge(db, scope.orgId),
		values: blueprintToValues(blueprint),
		supply: await sectionSupply(db, blueprint.bank_ids, blueprint.definition.sections),
		defaultsNote
	};
};

export const actions: Actions = {
	default: async ({ locals, request, params, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const db = await getDb();
		const id = idParam(params.id);
		if (!(await findOwnBlueprint(db, scope.orgId, id))) error(404, '没有这个组卷策略');
		const values = blueprintValuesFromForm(await request.formData());
		const result = await saveBlueprint(db, actorOf(scope, { getClientAddress }), id, values, now());
		if (!result.ok) return formFailure(400, result.problems, { values, detail: result.supply });
		return { saved: true };
	}
};
