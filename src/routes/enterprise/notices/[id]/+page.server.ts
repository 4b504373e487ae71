import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { acknowledgeNotice, openNoticeForEnterprise } from '#lib/server/supervision/notice-service.ts';
import { describeRoles, formatRate } from '#lib/server/supervision/notice.ts';
import { acknowledgeSchema } from '#lib/schemas/supervision.ts';
import { formFields } from '#lib/schemas/findings.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const id = requireIdParam(params.id, '没有这条督办通知');
	const notice = await openNoticeForEnterprise(await getDb(), scope, id, now());
	if (!notice) error(404, '没有这条督办通知');
	const { gap, ...rest } = notice;
	return { notice: { ...rest, rate: formatRate(gap.covered, gap.required), roles: describeRoles(gap, notice.goalPercent) } };
};

export const actions: Actions = {
	acknowledge: async ({ locals, params, request, getClientAddress }) => {
		const scope = requireRole(locals, 'enterprise_admin');
		const id = requireIdParam(params.id, '没有这条督办通知');
		const form = await request.formData().catch(() => null);
		if (!form) return formFailure(400, '表单格式不正确，请刷新页面后重试');
		const parsed = acknowledgeSchema.safeParse(formFields(form, ['note']));
		if (!parsed.success) return zodFailure(parsed.error);
		const result = await acknowledgeNotice(
			await getDb(),
			actorOf(scope, { getClientAddress }),
			{ noticeId: id, note: parsed.data.note },
			now()
		);
		if (!result.ok) {
			if (result.notFound) error(404, result.errors.form ?? '没有这条督办通知');
			return formFailure(400, result.errors);
		}
		return { done: '已签收，监管部门可以看到。' };
	}
};
