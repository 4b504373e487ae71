import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { reviewSchema } from '#lib/schemas/face.ts';
import { decideReference, FaceError, recordSignin, reviewCheck } from '#lib/server/face/face-service.ts';
import { isPersonOfOrg, listSigninStaff, mayReview, pendingReferences, reviewQueue } from '#lib/server/face/review.query.ts';
import { formFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const db = await getDb();
	const staff = await listSigninStaff(db, scope.orgId);
	return { pending: await pendingReferences(db, scope.orgId), queue: await reviewQueue(db, { orgId: scope.orgId }), staff };
};

export const actions: Actions = {
	reference: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'enterprise_admin');
		const form = await request.formData();
		const id = idParam(String(form.get('referenceId') ?? ''));
		const confirm = form.get('decision') === 'confirm';
		if (!id) return formFailure(400, '登记照片编号 referenceId 不正确');
		try {
			await decideReference(await getDb(), actorOf(scope, event), { referenceId: id, confirm }, now());
		} catch (err) {
			if (err instanceof FaceError) return formFailure(err.status, err.message);
			throw err;
		}
		return { done: confirm ? '已确认登记照片。' : '已退回登记照片。' };
	},
	review: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'enterprise_admin');
		const parsed = reviewSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]?.message ?? '复核内容不正确');
		const db = await getDb();
		if (!(await mayReview(db, parsed.data.checkId, { orgId: scope.orgId }))) return formFailure(404, '没有这条核验记录');
		await reviewCheck(db, actorOf(scope, event), { checkId: parsed.data.checkId, decision: parsed.data.decision, note: parsed.data.note }, now());
		return { done: '已记录复核结论。' };
	},
	signin: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'enterprise_admin');
		const form = await request.formData();
		const personId = idParam(String(form.get('personId') ?? ''));
		const note = String(form.get('note') ?? '').trim().slice(0, 500) || null;
		if (!personId) return formFailure(400, '请选择人员 personId');
		const db = await getDb();
		if (!(await isPersonOfOrg(db, personId, scope.orgId))) return formFailure(404, '没有这名人员');
		await recordSignin(db, actorOf(scope, event), { personId, note }, now());
		return { done: '已记录现场签到。' };
	}
};
