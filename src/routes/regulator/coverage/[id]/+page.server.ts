import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { loadNodeDashboard } from '#lib/server/coverage/dashboard.ts';
import { coverageParams } from '#lib/server/coverage/params.ts';
import { loadGapList, sendSupervisionNotice } from '#lib/server/supervision/notice-service.ts';
import { defaultDeadline, defaultNoticeText } from '#lib/server/supervision/notice.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { sendNoticeFields, sendNoticeSchema } from '#lib/schemas/supervision.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const scope = requireRole(locals, 'regulator');
	const p = coverageParams(params.id, url.searchParams.get('node') ?? scope.regionCode);
	if (!p) error(404, '辖区内没有这个目标或区域');
	const db = await getDb();
	const at = now();
	const dashboard = await loadNodeDashboard(db, scope, p.targetId, p.node, at);
	const gapList = await loadGapList(db, scope, p.targetId, p.node);
	if (!dashboard || !gapList) error(404, '辖区内没有这个目标或区域');
	const deadline = defaultDeadline(dashboard.target.deadline, shanghaiDate(at));
	return { ...dashboard, gapList, notice: { ...defaultNoticeText(dashboard.target.title, dashboard.target.goalPercent, deadline), deadline, today: shanghaiDate(at) } };
};

export const actions: Actions = {
	notify: async ({ locals, params, url, request, getClientAddress }) => {
		const scope = requireRole(locals, 'regulator');
		const p = coverageParams(params.id, url.searchParams.get('node') ?? scope.regionCode);
		if (!p) error(404, '辖区内没有这个目标或区域');
		const form = await request.formData().catch(() => null);
		if (!form) return formFailure(400, '表单格式不正确，请刷新页面后重试');
		const values = sendNoticeFields(form);
		const parsed = sendNoticeSchema.safeParse({ ...values, orgs: values.orgs });
		if (!parsed.success) return zodFailure(parsed.error, { values });
		const result = await sendSupervisionNotice(
			await getDb(),
			{ ...actorOf(scope, { getClientAddress }), regionPath: scope.regionPath },
			{ targetId: p.targetId, nodeCode: p.node, recipients: parsed.data.recipients, orgIds: parsed.data.orgs, title: parsed.data.title, body: parsed.data.body, deadline: parsed.data.deadline },
			now()
		);
		if (!result.ok) {
			if (result.notFound) error(404, result.errors.form ?? '辖区内没有这个目标或区域');
			return formFailure(400, result.errors, { values });
		}
		redirect(303, `/regulator/notices/${result.id}?sent=${result.recipients}`);
	}
};
