import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { targetFormChoices } from '#lib/server/coverage/targets.repository.ts';
import { createTarget } from '#lib/server/coverage/targets-service.ts';
import { targetFormToInput } from '#lib/server/coverage/target-form.ts';
import { formFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'regulator');
	return targetFormChoices(await getDb(), scope.regionPath);
};

export const actions: Actions = {
	default: async (event) => {
		const scope = requireRole(event.locals, 'regulator');
		const form = await event.request.formData();
		const input = targetFormToInput(form);
		const result = await createTarget(await getDb(), input, { ...actorOf(scope, event), regionPath: scope.regionPath }, now());
		if (!result.ok) return formFailure(400, result.message, { values: Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)])) });
		redirect(303, `/regulator/coverage/${result.id}`);
	}
};
