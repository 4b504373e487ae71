import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listInstitutionExaminers } from '#lib/server/exams/session-service.ts';
import { findPracticalSession, listAssignableForPractical, practicalExaminers, practicalRoster } from '#lib/server/special-ops/scheduling.repository.ts';
import { assignToPractical, setPracticalExaminers } from '#lib/server/special-ops/scheduling-service.ts';
import { examinerIdsSchema, formObject } from '#lib/schemas/special-ops-scheduling.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodErrors } from '#lib/forms/failure.ts';
import { assignAction } from '../../assign-action.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	const session = await findPracticalSession(db, scope.orgId, requireIdParam(params.id, '没有这个场次'));
	if (!session) error(404, '没有这个场次');
	return {
		session,
		roster: await practicalRoster(db, session.id),
		examiners: await practicalExaminers(db, session.id),
		allExaminers: await listInstitutionExaminers(db, scope.orgId),
		assignable: (await listAssignableForPractical(db, scope.orgId, session.special_operation_code)).map((r) => ({ ...r, previous: Number(r.previous ?? 0) }))
	};
};

export const actions: Actions = {
	assign: assignAction(assignToPractical),
	examiners: async ({ locals, params, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const id = requireIdParam(params.id, '没有这个场次');
		const parsed = examinerIdsSchema.safeParse(formObject(await request.formData(), ['examinerIds']));
		if (!parsed.success) return formFailure(400, Object.values(zodErrors(parsed.error)));
		const result = await setPracticalExaminers(await getDb(), actorOf(scope, { getClientAddress }), id, parsed.data.examinerIds, now());
		if (!result) error(404, '没有这个场次');
		if (!result.ok) return formFailure(400, [result.message]);
		return { saved: '考评员已更新' };
	}
};
