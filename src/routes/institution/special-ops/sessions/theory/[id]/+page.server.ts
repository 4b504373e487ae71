import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { findTheorySessionAtRoom, listAssignableForTheory, theoryRoster } from '#lib/server/special-ops/scheduling.repository.ts';
import { assignToTheory } from '#lib/server/special-ops/scheduling-service.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { assignAction } from '../../assign-action.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	const session = await findTheorySessionAtRoom(db, scope.orgId, requireIdParam(params.id, '没有这个场次'));
	if (!session) error(404, '没有这个场次');
	return { session, roster: await theoryRoster(db, session.id), assignable: await listAssignableForTheory(db, scope.orgId, session.id) };
};

export const actions: Actions = { assign: assignAction(assignToTheory) };
