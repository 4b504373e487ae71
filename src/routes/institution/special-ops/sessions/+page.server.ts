import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listBlueprints } from '#lib/server/exams/blueprint-service.ts';
import { listInstitutionExaminers } from '#lib/server/exams/session-service.ts';
import { listSchedulableRooms } from '#lib/server/special-ops/centres.repository.ts';
import { listAllSheets, listRoomSessions } from '#lib/server/special-ops/scheduling.repository.ts';
import { schedulePracticalSession, scheduleTheorySession } from '#lib/server/special-ops/scheduling-service.ts';
import { formObject, practicalSessionSchema, theorySessionSchema } from '#lib/schemas/special-ops-scheduling.ts';
import { toShanghaiLocal } from '#lib/schemas/exam-admin.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	const t = now();
	const opens = new Date(Math.ceil(t.getTime() / 3_600_000) * 3_600_000 + 86_400_000);
	return {
		sessions: await listRoomSessions(db, scope.orgId),
		computerRooms: await listSchedulableRooms(db, scope.orgId, 'computer'),
		practicalRooms: await listSchedulableRooms(db, scope.orgId, 'practical'),
		blueprints: (await listBlueprints(db, scope.orgId)).map((b) => ({ id: b.id, name: b.name })),
		sheets: await listAllSheets(db),
		examiners: await listInstitutionExaminers(db, scope.orgId),
		defaults: { opensAt: toShanghaiLocal(opens), closesAt: toShanghaiLocal(new Date(opens.getTime() + 2 * 3_600_000)) }
	};
};

export const actions: Actions = {
	theory: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const raw = formObject(await request.formData(), ['examinerIds']);
		const parsed = theorySessionSchema.safeParse(raw);
		if (!parsed.success) return zodFailure(parsed.error, { action: 'theory', values: raw });
		const result = await scheduleTheorySession(await getDb(), actorOf(scope, { getClientAddress }), parsed.data, now());
		if (!result.ok) return formFailure(400, result.errors, { action: 'theory', values: raw });
		redirect(303, `/institution/special-ops/sessions/theory/${result.sessionId}?created=1`);
	},
	practical: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const raw = formObject(await request.formData(), ['examinerIds']);
		const parsed = practicalSessionSchema.safeParse(raw);
		if (!parsed.success) return zodFailure(parsed.error, { action: 'practical', values: raw });
		const result = await schedulePracticalSession(await getDb(), actorOf(scope, { getClientAddress }), parsed.data, now());
		if (!result.ok) return formFailure(400, result.errors, { action: 'practical', values: raw });
		redirect(303, `/institution/special-ops/sessions/practical/${result.sessionId}?created=1`);
	}
};
