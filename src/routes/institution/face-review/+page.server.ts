import { formFailure } from '#lib/forms/failure.ts';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { reviewSchema } from '#lib/schemas/face.ts';
import { reviewCheck } from '#lib/server/face/face-service.ts';
import { mayReview, reviewQueue } from '#lib/server/face/review.query.ts';

// The examiner's review queue: face checks of attempts in the sessions they examine.
export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'examiner');
	return { queue: await reviewQueue(await getDb(), { examinerUserId: scope.userId }) };
};

export const actions: Actions = {
	review: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'examiner');
		const parsed = reviewSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]?.message ?? '复核内容不正确');
		const db = await getDb();
		if (!(await mayReview(db, parsed.data.checkId, { examinerUserId: scope.userId }))) return formFailure(404, '没有这条核验记录');
		await reviewCheck(db, actorOf(scope, event), { checkId: parsed.data.checkId, decision: parsed.data.decision, note: parsed.data.note }, now());
		return { done: '已记录复核结论。' };
	}
};
