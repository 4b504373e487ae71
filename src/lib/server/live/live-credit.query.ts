import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { creditCapSeconds } from './attendance.ts';

// 学时 from live classes, for 我的学习 and the 培训档案. One row per class a person attended.
// A class belongs to the plan year of its start (Beijing calendar); its credit is its live
// seconds, plus its replay seconds only under 'replay_allowed', together capped by the class's
// 可计学时 and its length — live time is credited first, replay fills what is left.

export type LiveCredit = {
	classId: number;
	title: string;
	/** Beijing calendar day of the class's start */
	day: string;
	liveSeconds: number;
	replaySeconds: number;
	replayRule: 'live_only' | 'replay_allowed';
	late: boolean;
	/** seconds that count toward 学时: live part and replay part */
	creditedLiveSeconds: number;
	creditedReplaySeconds: number;
};

type Row = {
	person_id: number;
	class_id: number;
	title: string;
	day: string;
	starts_at: Date;
	ends_at: Date;
	credit_hours: string | number;
	replay_rule: string;
	live_seconds: number | string;
	replay_seconds: number | string;
	late: boolean;
};

/** Splits a class's seconds into what counts (pure). */
export function liveCreditOf(
	r: { live_seconds: number; replay_seconds: number; replay_rule: 'live_only' | 'replay_allowed'; credit_hours: number; starts_at: Date; ends_at: Date },
	xueshiMinutes: number
): { creditedLiveSeconds: number; creditedReplaySeconds: number } {
	const cap = creditCapSeconds(r.credit_hours, xueshiMinutes, { startsAt: r.starts_at, endsAt: r.ends_at, signinBeforeMinutes: 0, signinAfterMinutes: 0, replayRule: r.replay_rule, replaySeconds: null });
	const live = Math.min(cap, r.live_seconds);
	const replay = r.replay_rule === 'replay_allowed' ? Math.min(cap - live, r.replay_seconds) : 0;
	return { creditedLiveSeconds: live, creditedReplaySeconds: replay };
}

/**
 * Live credit per person: for one person, or every active person of an organisation; for a plan
 * year or all years (year null). Only classes with some time recorded; cancelled classes excluded.
 */
export async function listLiveCredits(db: Db, who: { personId: number } | { orgId: number }, year: number | null, xueshiMinutes: number): Promise<Map<number, LiveCredit[]>> {
	const whoSql = 'personId' in who ? sql`p.id = ${who.personId}` : sql`p.org_id = ${who.orgId} and p.active`;
	const yearSql = year === null ? sql`true` : sql`extract(year from c.starts_at at time zone 'Asia/Shanghai') = ${year}`;
	const { rows } = await sql<Row>`
		select a.person_id, c.id as class_id, c.title, to_char(c.starts_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD') as day,
			c.starts_at, c.ends_at, c.credit_hours, c.replay_rule, a.live_seconds, a.replay_seconds, a.late
		from live_attendance a
		join persons p on p.id = a.person_id
		join live_classes c on c.id = a.class_id
		where ${whoSql} and ${yearSql} and c.cancelled_at is null and (a.live_seconds > 0 or a.replay_seconds > 0)
		order by a.person_id, c.starts_at, c.id`.execute(db);
	const out = new Map<number, LiveCredit[]>();
	for (const r of rows) {
		const replayRule = r.replay_rule === 'replay_allowed' ? 'replay_allowed' : 'live_only';
		const liveSeconds = Number(r.live_seconds);
		const replaySeconds = Number(r.replay_seconds);
		const credited = liveCreditOf(
			{ live_seconds: liveSeconds, replay_seconds: replaySeconds, replay_rule: replayRule, credit_hours: Number(r.credit_hours), starts_at: r.starts_at, ends_at: r.ends_at },
			xueshiMinutes
		);
		const list = out.get(r.person_id) ?? [];
		list.push({ classId: r.class_id, title: r.title, day: r.day, liveSeconds, replaySeconds, replayRule, late: r.late, ...credited });
		out.set(r.person_id, list);
	}
	return out;
}

/** Totals of a person's live credit. */
export function sumLiveCredits(list: LiveCredit[]): { liveSeconds: number; replaySeconds: number } {
	return {
		liveSeconds: list.reduce((s, c) => s + c.creditedLiveSeconds, 0),
		replaySeconds: list.reduce((s, c) => s + c.creditedReplaySeconds, 0)
	};
}
