import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { enqueueOutbound, notify } from '../notifications/notify.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { countsForOrgsByRole, findNodeInScope, listEnterprisesBelowGoal } from '../coverage/coverage.query.ts';
import { findTargetForRegion } from '../coverage/targets.repository.ts';
import { describeGap, gapState, type Gap, type GapState } from './notice.ts';
import {
	findNoticeInRegion,
	findNoticeOfOrg,
	insertNotice,
	insertRecipients,
	listEnterpriseAdmins,
	listNoticesInRegion,
	listNoticesOfOrg,
	listRecipients,
	markRead,
	setAcknowledged,
	type NoticeRow,
	type RecipientRow
} from './notices.repository.ts';

// 督办 use cases: a regulator sends a notice about coverage gaps to enterprises of its region;
// each enterprise admin reads and acknowledges it once; the regulator follows who acknowledged
// and whether each gap has closed since.

export type RegulatorActor = ScopedActor & { regionPath: string };
export type EnterpriseActor = ScopedActor;
export type Result<T = object> = ({ ok: true } & T) | { ok: false; notFound?: true; errors: Record<string, string> };

/** The most enterprises one notice may go to ("all" of a city-wide gap list included). */
export const MAX_RECIPIENTS = 2000;

export type SendInput = {
	targetId: number;
	nodeCode: string;
	/** all: every enterprise below the goal under the node; chosen: only orgIds */
	recipients: 'all' | 'chosen';
	orgIds: number[];
	title: string;
	body: string;
	deadline: string;
};

const NOT_FOUND = { form: '辖区内没有这个目标或区域' };

/**
 * Sends one notice in one transaction: the notice, a recipient row per enterprise with its gap
 * as it is now, an in-app message (and an SMS where the account has a mobile) to every enterprise
 * admin, and an audit entry. Only enterprises below the goal under a node of the caller's region.
 */
export async function sendSupervisionNotice(db: Db, actor: RegulatorActor, input: SendInput, now: Date): Promise<Result<{ id: number; recipients: number; withoutAdmin: number }>> {
	const title = input.title.trim();
	const body = input.body.trim();
	const errors: Record<string, string> = {};
	if (!title) errors.title = '请填写通知标题';
	if (!body) errors.body = '请填写通知正文';
	if (input.deadline < shanghaiDate(now)) errors.deadline = '整改期限不能早于今天';
	const chosen = [...new Set(input.orgIds)];
	if (input.recipients === 'chosen' && chosen.length === 0) errors.orgs = '请至少勾选一家企业，或选择“全部未达标企业”';
	if (chosen.length > MAX_RECIPIENTS) errors.orgs = `一次最多发送给 ${MAX_RECIPIENTS} 家企业`;
	if (Object.keys(errors).length) return { ok: false, errors };

	const node = await findNodeInScope(db, input.nodeCode, actor.regionPath);
	const target = node ? await findTargetForRegion(db, input.targetId, actor.regionPath) : undefined;
	if (!node || !target) return { ok: false, notFound: true, errors: NOT_FOUND };

	return withTransaction(db, async (tx) => {
		const gaps = await listEnterprisesBelowGoal(tx, {
			targetId: target.id,
			nodePath: node.path,
			goalPercent: target.goal_percent,
			orgIds: input.recipients === 'chosen' ? chosen : undefined,
			limit: MAX_RECIPIENTS + 1
		});
		if (input.recipients === 'chosen' && gaps.length !== chosen.length) {
			const n = chosen.length - gaps.length;
			return { ok: false as const, errors: { orgs: `所选企业中有 ${n} 家不在${node.name}该目标的未达标名单中（不在辖区内，或已经达标），请刷新页面后重新选择` } };
		}
		if (gaps.length === 0) return { ok: false as const, errors: { orgs: `${node.name}没有低于目标的企业` } };
		if (gaps.length > MAX_RECIPIENTS) return { ok: false as const, errors: { orgs: `未达标企业超过 ${MAX_RECIPIENTS} 家，请到下级区域分别发送` } };

		const byRole = await countsForOrgsByRole(tx, target.id, gaps.map((g) => g.id));
		const noticeId = await insertNotice(tx, {
			regulator_org_id: actor.orgId,
			region_code: node.code,
			target_id: target.id,
			target_title: target.title.slice(0, 200),
			goal_percent: target.goal_percent,
			title,
			body,
			deadline: input.deadline,
			created_by: actor.userId,
			created_at: now
		});
		const recipients = gaps.map((g) => ({ org_id: g.id, org_name: g.name, required: g.required, covered: g.covered, by_role: byRole.get(g.id) ?? [] }));
		await insertRecipients(tx, noticeId, recipients);

		const lineOf = new Map(recipients.map((r) => [r.org_id, describeGap({ required: r.required, covered: r.covered, byRole: r.by_role }, target.goal_percent, input.deadline)]));
		const admins = await listEnterpriseAdmins(tx, recipients.map((r) => r.org_id));
		for (const a of admins) {
			const line = lineOf.get(a.org_id)!;
			const notificationId = await notify(tx, {
				userId: a.user_id,
				kind: 'supervision',
				title,
				body: `${line}\n${body}`,
				link: `/enterprise/notices/${noticeId}`,
				dedupeKey: `supervision:${noticeId}`,
				now
			});
			if (a.mobile) {
				await enqueueOutbound(tx, {
					userId: a.user_id,
					notificationId,
					channel: 'sms',
					address: a.mobile,
					body: `【安训】督办通知：${title}。${line}请登录安训平台查看并签收。`,
					kind: 'supervision',
					idempotencyKey: `supervision:${noticeId}:${a.user_id}`,
					now
				});
			}
		}
		await audit(tx, actor, now, 'supervision.sent', `supervision_notice:${noticeId}`, {
			targetId: target.id,
			node: node.code,
			recipients: input.recipients,
			orgIds: recipients.map((r) => r.org_id),
			deadline: input.deadline,
			title
		});
		const reached = new Set(admins.map((a) => a.org_id));
		return { ok: true as const, id: noticeId, recipients: recipients.length, withoutAdmin: recipients.filter((r) => !reached.has(r.org_id)).length };
	});
}

/** The gap list of a dashboard: enterprises below the goal anywhere under the node. */
export async function loadGapList(db: Db, scope: { regionPath: string }, targetId: number, nodeCode: string, limit = 500) {
	const node = await findNodeInScope(db, nodeCode, scope.regionPath);
	const target = node ? await findTargetForRegion(db, targetId, scope.regionPath) : undefined;
	if (!node || !target) return undefined;
	const orgs = await listEnterprisesBelowGoal(db, { targetId: target.id, nodePath: node.path, goalPercent: target.goal_percent, limit: limit + 1 });
	return { orgs: orgs.slice(0, limit), more: orgs.length > limit };
}

export async function listNoticesForRegulator(db: Db, scope: { regionPath: string }) {
	return listNoticesInRegion(db, scope.regionPath);
}

export type RecipientStatus = {
	orgId: number;
	orgName: string;
	atSending: Gap;
	now: Gap;
	state: GapState;
	readAt: Date | null;
	acknowledgedAt: Date | null;
	acknowledgedBy: string | null;
	ackNote: string | null;
};

function gapOf(r: { required: number; covered: number; by_role: Gap['byRole'] }): Gap {
	return { required: r.required, covered: r.covered, byRole: r.by_role };
}

/** One notice of the caller's region with each enterprise's gap at sending and now (from the maintained counts). */
export async function loadNoticeForRegulator(db: Db, scope: { regionPath: string }, noticeId: number): Promise<{ notice: NoticeRow; recipients: RecipientStatus[] } | undefined> {
	const notice = await findNoticeInRegion(db, noticeId, scope.regionPath);
	if (!notice) return undefined;
	const rows: RecipientRow[] = await listRecipients(db, notice.id);
	const current = await countsForOrgsByRole(db, notice.target_id, rows.map((r) => r.org_id));
	const recipients = rows.map((r): RecipientStatus => {
		const byRole = current.get(r.org_id) ?? [];
		const now: Gap = { required: byRole.reduce((s, x) => s + x.required, 0), covered: byRole.reduce((s, x) => s + x.covered, 0), byRole };
		return {
			orgId: r.org_id,
			orgName: r.org_name,
			atSending: gapOf(r),
			now,
			state: gapState(now, notice.goal_percent),
			readAt: r.read_at,
			acknowledgedAt: r.acknowledged_at,
			acknowledgedBy: r.acknowledged_by_name,
			ackNote: r.ack_note
		};
	});
	return { notice, recipients };
}

/** The enterprise's own notices, unacknowledged (unread first) before the rest. */
export async function listNoticesForEnterprise(db: Db, orgId: number, now: Date) {
	const rows = await listNoticesOfOrg(db, orgId);
	const today = shanghaiDate(now);
	return rows.map((r) => ({
		id: r.id,
		title: r.title,
		from: r.regulator_name,
		sentAt: r.created_at,
		deadline: r.deadline,
		overdue: r.acknowledged_at === null && r.deadline < today,
		read: r.read_at !== null,
		acknowledgedAt: r.acknowledged_at
	}));
}

/** Opens a notice sent to the caller's enterprise (recording the first reading), or undefined (→ 404). */
export async function openNoticeForEnterprise(db: Db, actor: { orgId: number }, noticeId: number, now: Date) {
	const row = await findNoticeOfOrg(db, noticeId, actor.orgId);
	if (!row) return undefined;
	if (!row.read_at) await markRead(db, noticeId, actor.orgId, now);
	const gap = gapOf(row);
	return {
		id: row.id,
		title: row.title,
		body: row.body,
		from: row.regulator_name,
		targetTitle: row.target_title,
		goalPercent: row.goal_percent,
		sentAt: row.created_at,
		deadline: row.deadline,
		gapLine: describeGap(gap, row.goal_percent, row.deadline),
		gap,
		acknowledgedAt: row.acknowledged_at,
		acknowledgedBy: row.acknowledged_by_name,
		ackNote: row.ack_note
	};
}

/** The enterprise acknowledges a notice sent to it, once, with an optional note; the sender is told. */
export async function acknowledgeNotice(db: Db, actor: EnterpriseActor, input: { noticeId: number; note: string }, now: Date): Promise<Result> {
	const note = input.note.trim() || null;
	return withTransaction(db, async (tx) => {
		const row = await findNoticeOfOrg(tx, input.noticeId, actor.orgId);
		if (!row) return { ok: false as const, notFound: true as const, errors: { form: '没有这条督办通知' } };
		if (!(await setAcknowledged(tx, input.noticeId, actor.orgId, actor.userId, note, now))) {
			return { ok: false as const, errors: { form: '本通知已经签收过了' } };
		}
		await audit(tx, actor, now, 'supervision.acknowledged', `supervision_notice:${input.noticeId}`, { orgId: actor.orgId, note });
		await notify(tx, {
			userId: row.created_by,
			kind: 'supervision_ack',
			title: `${row.org_name}已签收督办通知`.slice(0, 100),
			body: `${row.org_name}已签收“${row.title}”。${note ? `说明：${note}` : ''}`,
			link: `/regulator/notices/${input.noticeId}`,
			dedupeKey: `supervision-ack:${input.noticeId}:${actor.orgId}`,
			now
		});
		return { ok: true as const };
	});
}
