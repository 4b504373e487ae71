// The ?/assign action of both 特种作业 场次 pages (theory and practical): parse, assign in one
// transaction through the capability's use case, answer with the count or the refusals.
import { error, type RequestEvent } from '@sveltejs/kit';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import type { assignToTheory } from '#lib/server/special-ops/scheduling-service.ts';
import { assignSchema, formObject } from '#lib/schemas/special-ops-scheduling.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodErrors } from '#lib/forms/failure.ts';

export function assignAction(assign: typeof assignToTheory) {
	return async ({ locals, params, request, getClientAddress }: RequestEvent<{ id: string }>) => {
		const scope = requireRole(locals, 'institution_admin');
		const id = requireIdParam(params.id, '没有这个场次');
		const parsed = assignSchema.safeParse(formObject(await request.formData(), ['applicationIds']));
		if (!parsed.success) return formFailure(400, Object.values(zodErrors(parsed.error)));
		const result = await assign(await getDb(), actorOf(scope, { getClientAddress }), id, parsed.data.applicationIds, now());
		if (!result) error(404, '没有这个场次');
		if (!result.ok) return formFailure(400, result.errors);
		return { saved: `已安排 ${result.assigned} 人` };
	};
}
