import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listRegionsUnder } from '#lib/server/special-ops/centres.repository.ts';
import { cityPrefix, createCentre } from '#lib/server/special-ops/centre-service.ts';
import { centreSchema, formObject } from '#lib/schemas/special-ops-scheduling.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin');
	return { regions: await listRegionsUnder(await getDb(), cityPrefix(scope.regionPath)), defaultRegion: scope.regionCode };
};

export const actions: Actions = {
	default: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const raw = formObject(await request.formData());
		const parsed = centreSchema.safeParse(raw);
		if (!parsed.success) return zodFailure(parsed.error, { values: raw });
		const result = await createCentre(await getDb(), { ...actorOf(scope, { getClientAddress }), regionPath: scope.regionPath }, parsed.data, now());
		if (!result.ok) return formFailure(400, result.errors, { values: raw });
		redirect(303, `/institution/exam-centres/${result.id}?created=1`);
	}
};
