import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { getDb } from '#lib/server/runtime.ts';
import { loadNoticeForRegulator } from '#lib/server/supervision/notice-service.ts';
import { describeRoles, formatRate, GAP_STATE_LABELS } from '#lib/server/supervision/notice.ts';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const scope = requireRole(locals, 'regulator');
	const id = requireIdParam(params.id, '没有这条督办通知');
	const found = await loadNoticeForRegulator(await getDb(), scope, id);
	if (!found) error(404, '没有这条督办通知');
	const { notice, recipients } = found;
	const sent = Number(url.searchParams.get('sent'));
	return {
		sent: Number.isInteger(sent) && sent > 0 ? sent : null,
		notice: {
			id: notice.id,
			title: notice.title,
			body: notice.body,
			from: notice.regulator_name,
			regionName: notice.region_name,
			targetId: notice.target_id,
			regionCode: notice.region_code,
			targetTitle: notice.target_title,
			goalPercent: notice.goal_percent,
			sentAt: notice.created_at,
			sentBy: notice.created_by_name,
			deadline: notice.deadline
		},
		rows: recipients.map((r) => ({
			orgId: r.orgId,
			orgName: r.orgName,
			then: formatRate(r.atSending.covered, r.atSending.required),
			thenRoles: describeRoles(r.atSending, notice.goal_percent),
			now: formatRate(r.now.covered, r.now.required),
			nowRoles: r.state === 'open' ? describeRoles(r.now, notice.goal_percent) : '',
			state: r.state,
			stateLabel: GAP_STATE_LABELS[r.state],
			read: r.readAt !== null,
			acknowledgedAt: r.acknowledgedAt,
			acknowledgedBy: r.acknowledgedBy,
			ackNote: r.ackNote
		}))
	};
};
