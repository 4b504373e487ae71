import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { AttendanceState, RollCallRule } from './attendance.ts';

export type Audience = { orgIds: number[]; roleCategories: string[]; personIds: number[] };

export type LiveClassRow = {
	id: number;
	owner_org_id: number;
	title: string;
	lecturer_user_id: number;
	lecturer_name: string;
	starts_at: Date;
	ends_at: Date;
	audience: Audience;
	credit_hours: number;
	signin_before_minutes: number;
	signin_after_minutes: number;
	replay_rule: 'live_only' | 'replay_allowed';
	playback_name: string;
	replay_file: string | null;
	replay_seconds: number | null;
	cancelled_at: Date | null;
	created_at: Date;
	/** automatic 点名; null: only the lecturer's */
	rollcall_rule: RollCallRule | null;
	/** the course whose 直播回放 module gets the replay lesson; null: none */
	course_id: number | null;
};

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

function classQuery(db: Db) {
	return db
		.selectFrom('live_classes as c')
		.innerJoin('users as u', 'u.id', 'c.lecturer_user_id')
		.select([
			'c.id',
			'c.owner_org_id',
			'c.title',
			'c.lecturer_user_id',
			'u.display_name as lecturer_name',
			'c.starts_at',
			'c.ends_at',
			'c.audience',
			'c.credit_hours',
			'c.signin_before_minutes',
			'c.signin_after_minutes',
			'c.replay_rule',
			'c.playback_name',
			'c.replay_file',
			'c.replay_seconds',
			'c.cancelled_at',
			'c.created_at',
			'c.rollcall_rule',
			'c.course_id'
		]);
}

type RawClass = Omit<LiveClassRow, 'audience' | 'credit_hours' | 'replay_rule' | 'rollcall_rule'> & {
	audience: unknown;
	credit_hours: string | number;
	replay_rule: string;
	rollcall_rule: unknown;
};
function toClass(r: RawClass): LiveClassRow {
	const a = (r.audience ?? {}) as Partial<Audience>;
	return {
		...r,
		audience: { orgIds: a.orgIds ?? [], roleCategories: a.roleCategories ?? [], personIds: a.personIds ?? [] },
		credit_hours: num(r.credit_hours),
		replay_rule: r.replay_rule === 'replay_allowed' ? 'replay_allowed' : 'live_only',
		rollcall_rule: (typeof r.rollcall_rule === 'string' ? JSON.parse(r.rollcall_rule) : (r.rollcall_rule ?? null)) as RollCallRule | null
	};
}

export async function insertLiveClass(
	db: Db,
	v: {
		owner_org_id: number;
		title: string;
		lecturer_user_id: number;
		starts_at: Date;
		ends_at: Date;
		audience: Audience;
		credit_hours: number;
		signin_before_minutes: number;
		signin_after_minutes: number;
		replay_rule: string;
		playback_name: string;
		created_by: number;
		created_at: Date;
		rollcall_rule: RollCallRule | null;
		course_id?: number | null;
	}
): Promise<number> {
	const row = await db
		.insertInto('live_classes')
		.values({
			...v,
			audience: JSON.stringify(v.audience),
			credit_hours: String(v.credit_hours),
			rollcall_rule: v.rollcall_rule === null ? null : JSON.stringify(v.rollcall_rule)
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function findLiveClass(db: Db, id: number): Promise<LiveClassRow | null> {
	const r = await classQuery(db).where('c.id', '=', id).executeTakeFirst();
	return r ? toClass(r as RawClass) : null;
}

export async function findLiveClassByPlaybackName(db: Db, name: string): Promise<LiveClassRow | null> {
	const r = await classQuery(db).where('c.playback_name', '=', name).executeTakeFirst();
	return r ? toClass(r as RawClass) : null;
}

export async function listOwnedLiveClasses(db: Db, ownerOrgId: number): Promise<LiveClassRow[]> {
	const rows = await classQuery(db).where('c.owner_org_id', '=', ownerOrgId).orderBy('c.starts_at', 'desc').limit(200).execute();
	return rows.map((r) => toClass(r as RawClass));
}

/** The SQL form of "this person is in the class's audience" (named, or in a listed enterprise and role). */
const inAudience = sql<boolean>`(
	(c.audience->'personIds') @> to_jsonb(p.id)
	or ((c.audience->'orgIds') @> to_jsonb(p.org_id)
		and (jsonb_array_length(c.audience->'roleCategories') = 0 or (c.audience->'roleCategories') @> to_jsonb(p.role_category))))`;

export async function isInAudience(db: Db, classId: number, personId: number): Promise<boolean> {
	const { rows } = await sql<{ ok: boolean }>`
		select ${inAudience} as ok from live_classes c join persons p on p.id = ${personId} and p.active
		where c.id = ${classId} and c.cancelled_at is null`.execute(db);
	return rows[0]?.ok === true;
}

/** A class and whether the person is in its audience, in one statement (the heartbeat's guard). */
export async function findLiveClassForPerson(db: Db, classId: number, personId: number): Promise<{ cls: LiveClassRow; inAudience: boolean } | null> {
	const r = await classQuery(db)
		.leftJoin('persons as p', (j) => j.on('p.id', '=', personId).on('p.active', '=', true))
		.select(sql<boolean>`coalesce(${inAudience}, false)`.as('in_audience'))
		.where('c.id', '=', classId)
		.executeTakeFirst();
	if (!r) return null;
	const { in_audience, ...row } = r as RawClass & { in_audience: boolean };
	return { cls: toClass(row), inAudience: in_audience === true };
}

/** Classes a learner is invited to that end after `since` (upcoming, on air, or with a replay). */
export async function listClassesForPerson(db: Db, personId: number, since: Date): Promise<LiveClassRow[]> {
	const { rows } = await sql<{ id: number }>`
		select c.id from live_classes c join persons p on p.id = ${personId} and p.active
		where c.cancelled_at is null and (c.ends_at > ${since} or c.replay_file is not null) and ${inAudience}
		order by c.starts_at limit 50`.execute(db);
	if (rows.length === 0) return [];
	const list = await classQuery(db)
		.where(
			'c.id',
			'in',
			rows.map((r) => r.id)
		)
		.orderBy('c.starts_at')
		.execute();
	return list.map((r) => toClass(r as RawClass));
}

/** Users (with their account's user id) of the audience, for the reminder. */
export async function listAudienceUsers(db: Db, classId: number): Promise<{ user_id: number; person_id: number }[]> {
	const { rows } = await sql<{ user_id: number; person_id: number }>`
		select distinct u.id as user_id, p.id as person_id
		from live_classes c join persons p on p.active and ${inAudience}
		join users u on u.person_id = p.id and not u.disabled
		where c.id = ${classId}`.execute(db);
	return rows;
}

/** Staff of an organisation who may lecture: institution admins and examiners (or an enterprise's admins). */
export async function listLecturers(db: Db, orgId: number): Promise<{ user_id: number; name: string }[]> {
	return db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.select(['u.id as user_id', 'u.display_name as name'])
		.where('m.org_id', '=', orgId)
		.where('m.role', 'in', ['institution_admin', 'examiner', 'enterprise_admin'])
		.where('u.disabled', '=', false)
		.distinct()
		.orderBy('u.display_name')
		.execute();
}

/** The given persons that exist (and, with orgId, belong to that organisation). */
export async function personsExist(db: Db, ids: number[], orgId?: number): Promise<number[]> {
	if (ids.length === 0) return [];
	let q = db.selectFrom('persons').select('id').where('id', 'in', ids);
	if (orgId !== undefined) q = q.where('org_id', '=', orgId);
	const rows = await q.execute();
	return rows.map((r) => r.id);
}

export async function enterprisesExist(db: Db, ids: number[]): Promise<number[]> {
	if (ids.length === 0) return [];
	const rows = await db.selectFrom('organisations').select('id').where('id', 'in', ids).where('kind', '=', 'enterprise').execute();
	return rows.map((r) => r.id);
}

// ---- stream keys and the streaming server's callbacks ----

export async function insertStreamKey(db: Db, v: { class_id: number; key_hash: string; expires_at: Date; created_by: number; created_at: Date }): Promise<void> {
	await db.updateTable('live_stream_keys').set({ revoked_at: v.created_at }).where('class_id', '=', v.class_id).where('revoked_at', 'is', null).execute();
	await db.insertInto('live_stream_keys').values(v).execute();
}

export async function findStreamKey(db: Db, keyHash: string) {
	return db.selectFrom('live_stream_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

export async function latestStreamKey(db: Db, classId: number) {
	return db.selectFrom('live_stream_keys').select(['expires_at', 'revoked_at', 'created_at']).where('class_id', '=', classId).orderBy('id', 'desc').executeTakeFirst();
}

export async function insertStreamEvent(db: Db, v: { class_id: number | null; at: Date; kind: string; reason: string | null; addr: string | null }): Promise<void> {
	await db.insertInto('live_stream_events').values(v).execute();
}

export async function openStreamPeriod(db: Db, classId: number, at: Date): Promise<void> {
	// a publish while a period is open (the server lost a publish_done): close it first
	await db.updateTable('live_stream_periods').set({ ended_at: at }).where('class_id', '=', classId).where('ended_at', 'is', null).execute();
	await db.insertInto('live_stream_periods').values({ class_id: classId, started_at: at }).execute();
}

export async function closeStreamPeriod(db: Db, classId: number, at: Date): Promise<void> {
	await db.updateTable('live_stream_periods').set({ ended_at: at }).where('class_id', '=', classId).where('ended_at', 'is', null).execute();
}

export async function listStreamPeriods(db: Db, classId: number) {
	return db.selectFrom('live_stream_periods').select(['started_at', 'ended_at']).where('class_id', '=', classId).orderBy('id').execute();
}

export async function setReplay(db: Db, classId: number, file: string, seconds: number): Promise<void> {
	await db.updateTable('live_classes').set({ replay_file: file, replay_seconds: seconds }).where('id', '=', classId).execute();
}

/** A course the organisation owns (the only courses a class may be scheduled into). */
export async function ownedCourseExists(db: Db, courseId: number, orgId: number): Promise<boolean> {
	const row = await db.selectFrom('courses').select('id').where('id', '=', courseId).where('owner_org_id', '=', orgId).executeTakeFirst();
	return row !== undefined;
}

export async function listOwnedCourses(db: Db, orgId: number): Promise<{ id: number; title: string }[]> {
	return db.selectFrom('courses').select(['id', 'title']).where('owner_org_id', '=', orgId).where('status', '!=', 'retired').orderBy('id', 'desc').execute();
}

export const REPLAY_MODULE_TITLE = '直播回放';

/**
 * The class's 回放 lesson in its course, added once (the partial unique index on
 * lessons.live_class_id): a module 直播回放 is created when the course has none. The lesson has
 * 0 minutes, so the course's own 学时 totals leave it out; a longer recording updates its length.
 */
export async function upsertReplayLesson(db: Db, v: { classId: number; courseId: number; title: string; seconds: number }): Promise<number> {
	let module = await db.selectFrom('course_modules').select('id').where('course_id', '=', v.courseId).where('title', '=', REPLAY_MODULE_TITLE).orderBy('id').executeTakeFirst();
	if (!module) {
		const { rows } = await sql<{ p: number | string | null }>`select max(position) as p from course_modules where course_id = ${v.courseId}`.execute(db);
		module = await db
			.insertInto('course_modules')
			.values({ course_id: v.courseId, title: REPLAY_MODULE_TITLE, position: Number(rows[0]?.p ?? 0) + 1 })
			.returning('id')
			.executeTakeFirstOrThrow();
	}
	const { rows: pos } = await sql<{ p: number | string | null }>`select max(position) as p from lessons where module_id = ${module.id}`.execute(db);
	const { rows } = await sql<{ id: number }>`
		insert into lessons (course_id, module_id, title, kind, video_seconds, minutes, position, live_class_id)
		values (${v.courseId}, ${module.id}, ${v.title}, 'video', ${v.seconds}, 0, ${Number(pos[0]?.p ?? 0) + 1}, ${v.classId})
		on conflict (live_class_id) where live_class_id is not null do update set video_seconds = excluded.video_seconds
		returning id`.execute(db);
	return rows[0]!.id;
}

/**
 * The class's 回放 lesson completed (credited 0 seconds: its time counts in live_attendance) for
 * the active enrolments in the class's course of every learner — or of one — whose live + replay
 * seconds reach the threshold; an enrolment with no other lesson left is completed too.
 */
export async function completeReplayLesson(db: Db, classId: number, personId: number | null, thresholdSeconds: number, now: Date): Promise<number> {
	const { rows } = await sql<{ n: number | string }>`
		with rl as (select id, course_id from lessons where live_class_id = ${classId}::int),
		ins as (
			insert into lesson_progress (enrolment_id, lesson_id, credited_seconds, watched_seconds, reached_end, first_at, last_at, completed_at)
			select e.id, rl.id, 0, 0, true, ${now}::timestamptz, ${now}::timestamptz, ${now}::timestamptz
			from rl
			join enrolments e on e.course_id = rl.course_id and e.status = 'active'
			join live_attendance a on a.class_id = ${classId}::int and a.person_id = e.person_id
			where a.live_seconds + a.replay_seconds >= ${thresholdSeconds}::int and (${personId}::int is null or e.person_id = ${personId}::int)
			on conflict (enrolment_id, lesson_id) do update set completed_at = coalesce(lesson_progress.completed_at, excluded.completed_at)
			returning enrolment_id
		),
		done as (
			update enrolments e set completed_at = ${now}::timestamptz
			where e.id in (select enrolment_id from ins) and e.completed_at is null
				and not exists (
					select 1 from lessons l
					left join lesson_progress p on p.lesson_id = l.id and p.enrolment_id = e.id
					where l.course_id = e.course_id and l.live_class_id is distinct from ${classId}::int and p.completed_at is null)
			returning e.id
		)
		select (select count(*) from ins) as n, (select count(*) from done) as d`.execute(db);
	return Number(rows[0]?.n ?? 0);
}

// ---- attendance (the hot path) ----

export type LiveBeatState = {
	att: (AttendanceState & { version: number }) | null;
	periods: { started_at: Date; ended_at: Date | null }[];
	rollCall: { id: number; deadline_at: Date; answered: boolean } | null;
	studyLeaseAt: Date | null;
	studyLeaseReleased: boolean;
	/** consent given and a confirmed reference face: every session starts with a face check */
	faceRequired: boolean;
};

type BeatRow = {
	tab_id: string | null;
	mode: string | null;
	signed_in_at: Date | null;
	late: boolean | null;
	last_beat_at: Date | null;
	released_at: Date | null;
	version: number | null;
	live_seconds: number | null;
	replay_seconds: number | null;
	watched_seconds: string | number | null;
	held_seconds: number | null;
	held_roll_call_id: number | null;
	face_pending: boolean | null;
	face_required: boolean | null;
	periods: { started_at: string; ended_at: string | null }[] | null;
	rc_id: number | null;
	rc_deadline: Date | null;
	rc_answered: boolean | null;
	sl_last: Date | null;
	sl_released: Date | null;
};

/**
 * Everything a live beat needs in one statement: the viewer's row, the stream periods, the latest
 * 点名 already issued at `now` (automatic ones are stored ahead with their planned time), the study lease.
 */
export async function readLiveBeatState(db: Db, classId: number, personId: number, now: Date): Promise<LiveBeatState> {
	const { rows } = await sql<BeatRow>`
		select a.tab_id, a.mode, a.signed_in_at, a.late, a.last_beat_at, a.released_at, a.version,
			a.live_seconds, a.replay_seconds, a.watched_seconds, a.held_seconds, a.held_roll_call_id, a.face_pending,
			${faceRequiredSql(personId)} as face_required,
			(select coalesce(jsonb_agg(jsonb_build_object('started_at', sp.started_at, 'ended_at', sp.ended_at) order by sp.id), '[]'::jsonb)
				from live_stream_periods sp where sp.class_id = ${classId}) as periods,
			rc.id as rc_id, rc.deadline_at as rc_deadline, (ra.person_id is not null) as rc_answered,
			sl.last_beat_at as sl_last, sl.released_at as sl_released
		from (select 1) one
		left join live_attendance a on a.class_id = ${classId} and a.person_id = ${personId}
		left join lateral (select id, deadline_at from live_roll_calls where class_id = ${classId} and issued_at <= ${now} order by issued_at desc, id desc limit 1) rc on true
		left join live_roll_call_answers ra on ra.roll_call_id = rc.id and ra.person_id = ${personId}
		left join study_leases sl on sl.person_id = ${personId}`.execute(db);
	const r = rows[0]!;
	const periods = (typeof r.periods === 'string' ? JSON.parse(r.periods) : (r.periods ?? [])) as { started_at: string; ended_at: string | null }[];
	return {
		att:
			r.tab_id === null
				? null
				: {
						tab_id: r.tab_id,
						mode: r.mode === 'replay' ? 'replay' : 'live',
						signed_in_at: r.signed_in_at,
						late: r.late === true,
						last_beat_at: r.last_beat_at!,
						released_at: r.released_at,
						version: num(r.version),
						live_seconds: num(r.live_seconds),
						replay_seconds: num(r.replay_seconds),
						watched_seconds: num(r.watched_seconds),
						held_seconds: num(r.held_seconds),
						held_roll_call_id: r.held_roll_call_id,
						face_pending: r.face_pending === true
					},
		periods: periods.map((p) => ({ started_at: new Date(p.started_at), ended_at: p.ended_at ? new Date(p.ended_at) : null })),
		rollCall: r.rc_id === null ? null : { id: r.rc_id, deadline_at: r.rc_deadline!, answered: r.rc_answered === true },
		studyLeaseAt: r.sl_last,
		studyLeaseReleased: r.sl_released !== null,
		faceRequired: r.face_required === true
	};
}

/** The same rule as the study heartbeat (study.repository.ts): the latest consent is 'given' and a reference is confirmed. */
const faceRequiredSql = (personId: number) => sql<boolean>`(coalesce((select fc.action = 'given' from face_consents fc where fc.person_id = ${personId} order by fc.id desc limit 1), false)
				and exists (select 1 from face_references fr where fr.person_id = ${personId} and fr.status = 'confirmed'))`;

export async function isFaceRequired(db: Db, personId: number): Promise<boolean> {
	const { rows } = await sql<{ required: boolean | null }>`select ${faceRequiredSql(personId)} as required`.execute(db);
	return rows[0]?.required === true;
}

/** A matching photo: crediting resumes from now (the time the check was pending is never credited). */
export async function clearFacePending(db: Db, classId: number, personId: number, tabId: string, now: Date): Promise<boolean> {
	const r = await db
		.updateTable('live_attendance')
		.set((eb) => ({ face_pending: false, last_beat_at: now, version: eb('version', '+', 1) }))
		.where('class_id', '=', classId)
		.where('person_id', '=', personId)
		.where('tab_id', '=', tabId)
		.where('face_pending', '=', true)
		.returning('version')
		.executeTakeFirst();
	return r !== undefined;
}

export type LiveBeatEvent = {
	class_id: number;
	person_id: number;
	at: Date;
	tab_id: string | null;
	kind: 'beat' | 'refused' | 'rollcall_passed' | 'rollcall_missed' | 'face_check';
	mode: 'live' | 'replay';
	credited_seconds: number;
	reason: string | null;
	position: number | null;
	ip: string | null;
	device: string | null;
};

function eventRow(e: LiveBeatEvent) {
	return { ...e, position: e.position === null ? null : String(e.position) };
}

export async function insertLiveBeat(db: Db, e: LiveBeatEvent): Promise<void> {
	await db.insertInto('live_beats').values(eventRow(e)).execute();
}

/**
 * Writes the viewer's new state and the beat in one statement, only if the row is still the
 * version that was read (compare-and-set); returns false when another beat got there first.
 */
export async function writeLiveBeat(db: Db, classId: number, personId: number, expectedVersion: number | null, next: AttendanceState, now: Date, event: LiveBeatEvent): Promise<boolean> {
	const e = eventRow(event);
	const upsert =
		expectedVersion === null
			? sql`insert into live_attendance (class_id, person_id, signed_in_at, late, tab_id, mode, last_beat_at, released_at, version,
					live_seconds, replay_seconds, watched_seconds, held_seconds, held_roll_call_id, face_pending, first_at, last_at)
				values (${classId}, ${personId}, ${next.signed_in_at}, ${next.late}, ${next.tab_id}, ${next.mode}, ${next.last_beat_at}, ${next.released_at}, 1,
					${next.live_seconds}, ${next.replay_seconds}, ${String(next.watched_seconds)}, ${next.held_seconds}, ${next.held_roll_call_id}, ${next.face_pending}, ${now}, ${now})
				on conflict (class_id, person_id) do nothing returning 1 as ok`
			: sql`update live_attendance set signed_in_at = ${next.signed_in_at}, late = ${next.late}, tab_id = ${next.tab_id}, mode = ${next.mode},
					last_beat_at = ${next.last_beat_at}, released_at = ${next.released_at}, version = version + 1,
					live_seconds = ${next.live_seconds}, replay_seconds = ${next.replay_seconds}, watched_seconds = ${String(next.watched_seconds)},
					held_seconds = ${next.held_seconds}, held_roll_call_id = ${next.held_roll_call_id}, face_pending = ${next.face_pending}, last_at = ${now}
				where class_id = ${classId} and person_id = ${personId} and version = ${expectedVersion} returning 1 as ok`;
	const { rows } = await sql<{ ok: number }>`
		with w as (${upsert}),
		ev as (
			insert into live_beats (class_id, person_id, at, tab_id, kind, mode, credited_seconds, reason, position, ip, device)
			select ${e.class_id}, ${e.person_id}, ${e.at}, ${e.tab_id}, ${e.kind}, ${e.mode}, ${e.credited_seconds}, ${e.reason}, ${e.position}::numeric, ${e.ip}, ${e.device}
			where exists (select 1 from w)
		)
		select ok from w`.execute(db);
	return rows.length > 0;
}

// ---- 点名 ----

export async function insertRollCall(db: Db, v: { class_id: number; issued_at: Date; deadline_at: Date; issued_by: number }): Promise<number> {
	const r = await db.insertInto('live_roll_calls').values(v).returning('id').executeTakeFirstOrThrow();
	return r.id;
}

/** The automatic 点名 of a class, planned ahead (issued_at in the future). */
export async function insertAutoRollCalls(db: Db, classId: number, plan: { issuedAt: Date; deadlineAt: Date }[]): Promise<void> {
	if (plan.length === 0) return;
	await db
		.insertInto('live_roll_calls')
		.values(plan.map((p) => ({ class_id: classId, issued_at: p.issuedAt, deadline_at: p.deadlineAt, issued_by: null, auto: true })))
		.execute();
}

export async function listRollCalls(db: Db, classId: number) {
	return db.selectFrom('live_roll_calls').select(['id', 'issued_at', 'deadline_at', 'auto']).where('class_id', '=', classId).orderBy('issued_at').orderBy('id').execute();
}

/**
 * A 点名 answered on time: the live seconds held while it was open are added (compare-and-set
 * through the version, so a concurrent beat decides again). Returns the seconds added.
 */
export async function releaseHeldSeconds(db: Db, classId: number, personId: number, rollCallId: number): Promise<number> {
	const { rows } = await sql<{ moved: number }>`
		update live_attendance a set live_seconds = a.live_seconds + a.held_seconds, held_seconds = 0, held_roll_call_id = null, version = a.version + 1
		from (select held_seconds from live_attendance where class_id = ${classId} and person_id = ${personId}) old
		where a.class_id = ${classId} and a.person_id = ${personId} and a.held_roll_call_id = ${rollCallId}
		returning old.held_seconds as moved`.execute(db);
	return num(rows[0]?.moved);
}

export async function findRollCall(db: Db, id: number) {
	return db.selectFrom('live_roll_calls').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function insertRollCallAnswer(db: Db, v: { roll_call_id: number; person_id: number; answered_at: Date; on_time: boolean }): Promise<boolean> {
	const r = await db.insertInto('live_roll_call_answers').values(v).onConflict((oc) => oc.columns(['roll_call_id', 'person_id']).doNothing()).returning('person_id').executeTakeFirst();
	return r !== undefined;
}

/** After a late 点名 answer the clock restarts: the overdue time is never credited. */
export async function restartAttendanceClock(db: Db, classId: number, personId: number, now: Date): Promise<void> {
	await db
		.updateTable('live_attendance')
		.set((eb) => ({ last_beat_at: now, held_seconds: 0, held_roll_call_id: null, version: eb('version', '+', 1) }))
		.where('class_id', '=', classId)
		.where('person_id', '=', personId)
		.where('last_beat_at', '<', now)
		.execute();
}

// ---- questions ----

export async function insertQuestion(db: Db, v: { class_id: number; person_id: number; body: string; created_at: Date }): Promise<number> {
	const r = await db.insertInto('live_questions').values(v).returning('id').executeTakeFirstOrThrow();
	return r.id;
}

export async function countRecentQuestions(db: Db, classId: number, personId: number, since: Date): Promise<number> {
	const r = await db
		.selectFrom('live_questions')
		.select((eb) => eb.fn.countAll().as('n'))
		.where('class_id', '=', classId)
		.where('person_id', '=', personId)
		.where('created_at', '>', since)
		.executeTakeFirst();
	return num(r?.n);
}

export async function updateQuestion(
	db: Db,
	classId: number,
	questionId: number,
	set: { status?: 'shown' | 'hidden'; moderated_by?: number; moderated_at?: Date; answer?: string; answered_on_air?: boolean; answered_by?: number; answered_at?: Date }
): Promise<boolean> {
	const r = await db.updateTable('live_questions').set(set).where('id', '=', questionId).where('class_id', '=', classId).returning('id').executeTakeFirst();
	return r !== undefined;
}

export type QuestionRow = {
	id: number;
	person_id: number;
	person_name: string;
	body: string;
	created_at: Date;
	status: string;
	answer: string | null;
	answered_on_air: boolean;
	answered_at: Date | null;
};

export async function listQuestions(db: Db, classId: number, only?: { personId: number }): Promise<QuestionRow[]> {
	let q = db
		.selectFrom('live_questions as q')
		.innerJoin('persons as p', 'p.id', 'q.person_id')
		.select(['q.id', 'q.person_id', 'p.name as person_name', 'q.body', 'q.created_at', 'q.status', 'q.answer', 'q.answered_on_air', 'q.answered_at'])
		.where('q.class_id', '=', classId);
	// a learner sees their own questions and those the lecturer chose to show
	if (only) q = q.where((eb) => eb.or([eb('q.person_id', '=', only.personId), eb('q.status', '=', 'shown')]));
	return q.orderBy('q.id', 'desc').limit(200).execute();
}

// ---- console and export ----

export type AttendanceRow = {
	person_id: number;
	name: string;
	id_number: string;
	org_name: string;
	role_category: string;
	signed_in_at: Date | null;
	late: boolean;
	live_seconds: number;
	replay_seconds: number;
	first_at: Date | null;
	last_at: Date | null;
	rollcalls_answered: number;
	watching: boolean;
};

/** Every invited person, with or without attendance (absent persons show zero). */
export async function listAttendance(db: Db, classId: number, now: Date, liveWithinSeconds: number): Promise<AttendanceRow[]> {
	const since = new Date(now.getTime() - liveWithinSeconds * 1000);
	const { rows } = await sql<AttendanceRow & { live_seconds: number | string; replay_seconds: number | string; rollcalls_answered: number | string }>`
		select p.id as person_id, p.name, p.id_number, o.name as org_name, p.role_category,
			a.signed_in_at, coalesce(a.late, false) as late, coalesce(a.live_seconds, 0) as live_seconds, coalesce(a.replay_seconds, 0) as replay_seconds,
			a.first_at, a.last_at,
			(select count(*) from live_roll_call_answers ra join live_roll_calls rc on rc.id = ra.roll_call_id
				where rc.class_id = c.id and ra.person_id = p.id and ra.on_time) as rollcalls_answered,
			(a.mode = 'live' and a.released_at is null and a.last_at > ${since}) as watching
		from live_classes c
		join persons p on (p.active and ${inAudience}) or exists (select 1 from live_attendance x where x.class_id = c.id and x.person_id = p.id)
		join organisations o on o.id = p.org_id
		left join live_attendance a on a.class_id = c.id and a.person_id = p.id
		where c.id = ${classId}
		order by o.name, p.name, p.id`.execute(db);
	return rows.map((r) => ({
		...r,
		live_seconds: num(r.live_seconds),
		replay_seconds: num(r.replay_seconds),
		rollcalls_answered: num(r.rollcalls_answered),
		watching: r.watching === true
	}));
}

/** 点名 issued by `now` (automatic ones planned for later are not counted yet). */
export async function countRollCalls(db: Db, classId: number, now: Date): Promise<number> {
	const r = await db
		.selectFrom('live_roll_calls')
		.select((eb) => eb.fn.countAll().as('n'))
		.where('class_id', '=', classId)
		.where('issued_at', '<=', now)
		.executeTakeFirst();
	return num(r?.n);
}

export async function findAttendance(db: Db, classId: number, personId: number) {
	return db.selectFrom('live_attendance').selectAll().where('class_id', '=', classId).where('person_id', '=', personId).executeTakeFirst();
}

export async function findOrgName(db: Db, orgId: number): Promise<string | null> {
	const r = await db.selectFrom('organisations').select('name').where('id', '=', orgId).executeTakeFirst();
	return r?.name ?? null;
}
