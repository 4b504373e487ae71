import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { findTheorySessionAtRoom, listAssignableForTheory, theoryRoster } from '#lib/server/special-ops/scheduling.repository.ts';
import { assignToTheory } from '#lib/server/special-ops/scheduling-service.ts';
import { assignSchema, formObject } from '#lib/schemas/special-ops-scheduling.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodErrors } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	const session = await findTheorySessionAtRoom(db, scope.orgId, requireIdParam(params.id, '没有这个场次'));
	if (!session) error(404, '没有这个场次');
	return { session, roster: await theoryRoster(db, session.id), assignable: await listAssignableForTheory(db, scope.orgId, session.id) };
};

export const actions: Actions = {
	assign: async ({ locals, params, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const id = requireIdParam(params.id, '没有这个场次');
		const parsed = assignSchema.safeParse(formObject(await request.formData(), ['applicationIds']));
		if (!parsed.success) return formFailure(400, Object.values(zodErrors(parsed.error)));
		const result = await assignToTheory(await getDb(), actorOf(scope, { getClientAddress }), id, parsed.data.applicationIds, now());
		if (!result) error(404, '没有这个场次');
		if (!result.ok) return formFailure(400, result.errors);
		return { saved: `已安排 ${result.assigned} 人` };
	}
};
