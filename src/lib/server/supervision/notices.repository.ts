import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { RoleCounts } from './notice.ts';

// All SQL of 督办 notices. Tenancy is in every reader: a regulator's by the notice's region node
// (inside the caller's region path), an enterprise's by its own org id on the recipient row.

export type NoticeInsert = {
	regulator_org_id: number;
	region_code: string;
	target_id: number;
	target_title: string;
	goal_percent: number;
	title: string;
	body: string;
	deadline: string;
	created_by: number;
	created_at: Date;
};

export type RecipientInsert = { org_id: number; org_name: string; required: number; covered: number; by_role: RoleCounts[] };

export async function insertNotice(db: Db, n: NoticeInsert): Promise<number> {
	const row = await db
		.insertInto('supervision_notices')
		.values({ ...n, goal_percent: String(n.goal_percent) })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function insertRecipients(db: Db, noticeId: number, rows: RecipientInsert[]): Promise<void> {
	if (!rows.length) return;
	await db
		.insertInto('supervision_notice_recipients')
		.values(rows.map((r) => ({ notice_id: noticeId, org_id: r.org_id, org_name: r.org_name, required: r.required, covered: r.covered, by_role: JSON.stringify(r.by_role) })))
		.execute();
}

/** Enabled enterprise-admin accounts of these organisations: who is told about a notice. */
export async function listEnterpriseAdmins(db: Db, orgIds: number[]): Promise<{ user_id: number; org_id: number; mobile: string | null }[]> {
	if (!orgIds.length) return [];
	return db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.select(['u.id as user_id', 'm.org_id', 'u.mobile'])
		.where('m.role', '=', 'enterprise_admin')
		.where('m.org_id', 'in', orgIds)
		.where('u.disabled', '=', false)
		.orderBy('m.org_id')
		.orderBy('u.id')
		.execute();
}

export type NoticeRow = {
	id: number;
	regulator_org_id: number;
	regulator_name: string;
	region_code: string;
	region_name: string;
	target_id: number;
	target_title: string;
	goal_percent: number;
	title: string;
	body: string;
	deadline: string;
	created_by: number;
	created_by_name: string;
	created_at: Date;
};

const NOTICE_COLUMNS = sql`n.id, n.regulator_org_id, ro.name as regulator_name, n.region_code, r.name as region_name, n.target_id, n.target_title,
	n.goal_percent, n.title, n.body, to_char(n.deadline, 'YYYY-MM-DD') as deadline, n.created_by, u.display_name as created_by_name, n.created_at`;
const NOTICE_FROM = sql`supervision_notices n join regions r on r.code = n.region_code
	join organisations ro on ro.id = n.regulator_org_id join users u on u.id = n.created_by`;

const mapNotice = (r: NoticeRow): NoticeRow => ({ ...r, goal_percent: Number(r.goal_percent) });

export type NoticeListRow = NoticeRow & { recipients: number; read: number; acknowledged: number; closed: number };

/** Notices sent from nodes inside a region, newest first, with how many were read, acknowledged and closed. */
export async function listNoticesInRegion(db: Db, regionPath: string, limit = 200): Promise<NoticeListRow[]> {
	const { rows } = await sql<NoticeListRow>`
		select ${NOTICE_COLUMNS},
			count(*)::int as recipients,
			count(rc.read_at)::int as read,
			count(rc.acknowledged_at)::int as acknowledged,
			count(*) filter (where c.required > 0 and c.covered * 100 >= n.goal_percent * c.required)::int as closed
		from ${NOTICE_FROM}
		join supervision_notice_recipients rc on rc.notice_id = n.id
		left join lateral (
			select coalesce(sum(k.required), 0)::int as required, coalesce(sum(k.covered), 0)::int as covered
			from coverage_org_counts k where k.target_id = n.target_id and k.org_id = rc.org_id
		) c on true
		where r.path like ${regionPath + '%'}
		group by n.id, ro.name, r.name, u.display_name
		order by n.id desc
		limit ${limit}`.execute(db);
	return rows.map((r) => ({ ...mapNotice(r), recipients: Number(r.recipients), read: Number(r.read), acknowledged: Number(r.acknowledged), closed: Number(r.closed) }));
}

export async function findNoticeInRegion(db: Db, noticeId: number, regionPath: string): Promise<NoticeRow | undefined> {
	const { rows } = await sql<NoticeRow>`
		select ${NOTICE_COLUMNS} from ${NOTICE_FROM}
		where n.id = ${noticeId} and r.path like ${regionPath + '%'}`.execute(db);
	return rows[0] ? mapNotice(rows[0]) : undefined;
}

export type RecipientRow = {
	notice_id: number;
	org_id: number;
	org_name: string;
	required: number;
	covered: number;
	by_role: RoleCounts[];
	read_at: Date | null;
	acknowledged_at: Date | null;
	acknowledged_by: number | null;
	acknowledged_by_name: string | null;
	ack_note: string | null;
};

const RECIPIENT_COLUMNS = sql`rc.notice_id, rc.org_id, rc.org_name, rc.required, rc.covered, rc.by_role, rc.read_at,
	rc.acknowledged_at, rc.acknowledged_by, au.display_name as acknowledged_by_name, rc.ack_note`;

export async function listRecipients(db: Db, noticeId: number): Promise<RecipientRow[]> {
	const { rows } = await sql<RecipientRow>`
		select ${RECIPIENT_COLUMNS}
		from supervision_notice_recipients rc left join users au on au.id = rc.acknowledged_by
		where rc.notice_id = ${noticeId}
		order by rc.covered::float / greatest(rc.required, 1), rc.org_name, rc.org_id`.execute(db);
	return rows;
}

export type OwnNoticeRow = NoticeRow & RecipientRow;

/** The notices sent to one enterprise: not yet acknowledged first (unread before read), then newest. */
export async function listNoticesOfOrg(db: Db, orgId: number, limit = 200): Promise<OwnNoticeRow[]> {
	const { rows } = await sql<OwnNoticeRow>`
		select ${NOTICE_COLUMNS}, ${RECIPIENT_COLUMNS}
		from ${NOTICE_FROM}
		join supervision_notice_recipients rc on rc.notice_id = n.id
		left join users au on au.id = rc.acknowledged_by
		where rc.org_id = ${orgId}
		order by (rc.acknowledged_at is null) desc, (rc.read_at is null) desc, n.id desc
		limit ${limit}`.execute(db);
	return rows.map((r) => ({ ...r, goal_percent: Number(r.goal_percent) }));
}

/** One notice as its recipient enterprise sees it, or undefined when it was not sent to that enterprise. */
export async function findNoticeOfOrg(db: Db, noticeId: number, orgId: number): Promise<OwnNoticeRow | undefined> {
	const { rows } = await sql<OwnNoticeRow>`
		select ${NOTICE_COLUMNS}, ${RECIPIENT_COLUMNS}
		from ${NOTICE_FROM}
		join supervision_notice_recipients rc on rc.notice_id = n.id
		left join users au on au.id = rc.acknowledged_by
		where n.id = ${noticeId} and rc.org_id = ${orgId}`.execute(db);
	return rows[0] ? { ...rows[0], goal_percent: Number(rows[0].goal_percent) } : undefined;
}

/** First opening by any of the enterprise's admins; later openings change nothing. */
export async function markRead(db: Db, noticeId: number, orgId: number, now: Date): Promise<void> {
	await db
		.updateTable('supervision_notice_recipients')
		.set({ read_at: now })
		.where('notice_id', '=', noticeId)
		.where('org_id', '=', orgId)
		.where('read_at', 'is', null)
		.execute();
}

/**
 * Acknowledges once: a compare-and-set on acknowledged_at, so two admins clicking at the same
 * time produce one acknowledgement (the other sees zero rows). Reading counts as done too.
 */
export async function setAcknowledged(db: Db, noticeId: number, orgId: number, userId: number, note: string | null, now: Date): Promise<boolean> {
	const rows = await db
		.updateTable('supervision_notice_recipients')
		.set((eb) => ({ acknowledged_at: now, acknowledged_by: userId, ack_note: note, read_at: eb.fn.coalesce('read_at', eb.val(now)) }))
		.where('notice_id', '=', noticeId)
		.where('org_id', '=', orgId)
		.where('acknowledged_at', 'is', null)
		.returning('notice_id')
		.execute();
	return rows.length === 1;
}
