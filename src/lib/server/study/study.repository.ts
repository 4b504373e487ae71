import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Tx } from '../db/transaction.ts';
import { runPrepared } from '../db/prepared.ts';
import type { LeaseState, ProgressState } from './credit.ts';

/** The person's study lock: serialises a learner's attention-check answers and face checks within the transaction. */
export async function lockPersonStudy(tx: Tx, personId: number): Promise<void> {
	await sql`select pg_advisory_xact_lock(7301, ${personId})`.execute(tx);
}

export type StudyTarget = {
	enrolment_id: number;
	person_id: number;
	enrolment_status: string;
	course_id: number;
	course_status: string;
	course_title: string;
	lesson_id: number | null;
	lesson_kind: string | null;
	lesson_title: string | null;
	minutes: number | null;
	video_seconds: number | null;
};

export async function findCheckForUpdate(db: Db, checkId: number) {
	return db.selectFrom('study_checks').selectAll().where('id', '=', checkId).forUpdate().executeTakeFirst();
}

export async function closeCheck(db: Db, checkId: number, status: 'passed' | 'missed', at: Date): Promise<void> {
	await db.updateTable('study_checks').set({ status, answered_at: at }).where('id', '=', checkId).execute();
}

export type StudyEventInput = {
	at: Date;
	person_id: number;
	enrolment_id: number | null;
	lesson_id: number | null;
	tab_id: string | null;
	kind: 'beat' | 'refused' | 'check_issued' | 'check_passed' | 'check_missed' | 'lesson_completed' | 'face_check';
	credited_seconds?: number;
	position?: number | null;
	playback_rate?: number | null;
	reason?: string | null;
	ip?: string | null;
	device?: string | null;
};

export async function insertStudyEvents(db: Db, events: StudyEventInput[]): Promise<void> {
	if (events.length === 0) return;
	await db
		.insertInto('study_events')
		.values(
			events.map((e) => ({
				at: e.at,
				person_id: e.person_id,
				enrolment_id: e.enrolment_id,
				lesson_id: e.lesson_id,
				tab_id: e.tab_id,
				kind: e.kind,
				credited_seconds: e.credited_seconds ?? 0,
				position: e.position === null || e.position === undefined ? null : String(e.position),
				playback_rate: e.playback_rate === null || e.playback_rate === undefined ? null : String(e.playback_rate),
				reason: e.reason ?? null,
				ip: e.ip ?? null,
				device: e.device ?? null
			}))
		)
		.execute();
}

/** After a late confirmation the clock restarts: the overdue period is never credited. */
export async function restartLeaseClock(db: Db, personId: number, now: Date): Promise<void> {
	await db
		.updateTable('study_leases')
		.set((eb) => ({ last_beat_at: now, version: eb('version', '+', 1) }))
		.where('person_id', '=', personId)
		.where('last_beat_at', '<', now)
		.execute();
}

export type BeatState = {
	target: StudyTarget | null;
	lease: (LeaseState & { version: number }) | null;
	progress: ProgressState | null;
	openCheck: { id: number; deadline_at: Date; kind: 'attention' | 'face' } | null;
	faceRequired: boolean;
	/** a live class counting for this learner right now (one lease across study and live) */
	liveElsewhere: string | null;
};

type BeatStateRow = {
	enrolment_id: number | null;
	person_id: number | null;
	enrolment_status: string | null;
	course_id: number | null;
	course_status: string | null;
	course_title: string | null;
	lesson_id: number | null;
	lesson_kind: string | null;
	lesson_title: string | null;
	minutes: number | null;
	video_seconds: number | null;
	lease_enrolment_id: number | null;
	lease_lesson_id: number | null;
	tab_id: string | null;
	started_at: Date | null;
	last_beat_at: Date | null;
	seconds_to_check: number | null;
	version: number | null;
	released_at: Date | null;
	credited_seconds: number | null;
	watched_seconds: string | number | null;
	reached_end: boolean | null;
	completed_at: Date | null;
	check_id: number | null;
	deadline_at: Date | null;
	check_kind: 'attention' | 'face' | null;
	face_required: boolean | null;
	live_title: string | null;
};

/**
 * Everything a heartbeat decision needs, in one statement (one round trip): the enrolment,
 * its course, the lesson if it belongs to that course, the learner's lease, the lesson's
 * progress and the open attention check.
 */
export async function readBeatState(db: Db, personId: number, enrolmentId: number, lessonId: number, liveSince: Date | null = null): Promise<BeatState> {
	// Every heartbeat: a prepared statement on a pg pool (parsed and planned once per connection).
	const rows = await runPrepared(
		db,
		'beat_read',
		sql<BeatStateRow>`
		select e.id as enrolment_id, e.person_id, e.status as enrolment_status,
			c.id as course_id, c.status as course_status, c.title as course_title,
			l.id as lesson_id, l.kind as lesson_kind, l.title as lesson_title, l.minutes, l.video_seconds,
			sl.enrolment_id as lease_enrolment_id, sl.lesson_id as lease_lesson_id, sl.tab_id, sl.started_at,
			sl.last_beat_at, sl.seconds_to_check, sl.version, sl.released_at,
			p.credited_seconds, p.watched_seconds, p.reached_end, p.completed_at,
			ck.id as check_id, ck.deadline_at, ck.kind as check_kind,
			(coalesce((select fc.action = 'given' from face_consents fc where fc.person_id = ${personId} order by fc.id desc limit 1), false)
				and exists (select 1 from face_references fr where fr.person_id = ${personId} and fr.status = 'confirmed')) as face_required,
			-- a live class (or a replay that credits) whose page beat since liveSince and was not closed
			(select lc.title from live_attendance la join live_classes lc on lc.id = la.class_id
				where la.person_id = ${personId} and la.last_at > ${liveSince} and la.released_at is null and not la.late
					and (la.mode = 'live' or lc.replay_rule = 'replay_allowed')
				order by la.last_at desc limit 1) as live_title
		from (select 1) one
		left join enrolments e on e.id = ${enrolmentId}
		left join courses c on c.id = e.course_id
		left join lessons l on l.id = ${lessonId} and l.course_id = e.course_id
			-- a class's 回放 lesson credits through live_attendance only (issue 19), never here
			and l.live_class_id is null
		left join study_leases sl on sl.person_id = ${personId}
		left join lesson_progress p on p.enrolment_id = e.id and p.lesson_id = l.id
		left join lateral (
			select id, deadline_at, kind from study_checks where person_id = ${personId} and status = 'pending' order by id desc limit 1
		) ck on true`
	);
	const r = rows[0]!;
	return {
		target:
			r.enrolment_id === null
				? null
				: {
						enrolment_id: r.enrolment_id,
						person_id: r.person_id!,
						enrolment_status: r.enrolment_status!,
						course_id: r.course_id!,
						course_status: r.course_status!,
						course_title: r.course_title!,
						lesson_id: r.lesson_id,
						lesson_kind: r.lesson_kind,
						lesson_title: r.lesson_title,
						minutes: r.minutes,
						video_seconds: r.video_seconds
					},
		lease:
			r.tab_id === null
				? null
				: {
						enrolment_id: r.lease_enrolment_id!,
						lesson_id: r.lease_lesson_id!,
						tab_id: r.tab_id,
						started_at: new Date(r.started_at!),
						last_beat_at: new Date(r.last_beat_at!),
						seconds_to_check: r.seconds_to_check!,
						released_at: r.released_at ? new Date(r.released_at) : null,
						version: r.version!
					},
		progress:
			r.credited_seconds === null
				? null
				: {
						credited_seconds: r.credited_seconds,
						watched_seconds: Number(r.watched_seconds),
						reached_end: r.reached_end!,
						completed_at: r.completed_at ? new Date(r.completed_at) : null
					},
		openCheck: r.check_id === null ? null : { id: r.check_id, deadline_at: new Date(r.deadline_at!), kind: r.check_kind ?? 'attention' },
		faceRequired: r.face_required === true,
		liveElsewhere: r.live_title
	};
}

export type BeatWrite = {
	personId: number;
	enrolmentId: number;
	lessonId: number;
	now: Date;
	/** the lease version read, or null when there was no lease */
	expectedVersion: number | null;
	lease: LeaseState;
	client: { ip: string | null; device: string | null };
	progress: { credited_seconds: number; watched_seconds: number; reached_end: boolean; completed_at: Date | null } | null;
	event: { tabId: string; kind: 'beat' | 'refused'; credited: number; reason: string | null; position: number | null; rate: number | null };
	issueCheck: { deadline_at: Date; kind: 'attention' | 'face' } | null;
	/** the previous session's unanswered check, closed as missed by this write */
	endCheck: number | null;
	lessonCompleted: boolean;
	/**
	 * Set when the decision was made on the state this process wrote last (beat-state-cache.ts), not
	 * on a fresh read: the lease write then also requires what that read checks — the enrolment the
	 * learner's and active, its course published, the lesson as decided on, no live class counting.
	 */
	guard?: { liveSince: Date; lesson: { kind: string; minutes: number; video_seconds: number | null } } | null;
};

/**
 * Writes one accepted heartbeat in one statement: the lease (compare-and-set on its version),
 * and — only if the lease write won — progress, the event rows, a new attention check and the
 * course's completion. Returns leaseOk=false when another beat changed the lease first; the
 * caller then decides again on fresh state.
 */
export async function writeBeat(
	db: Db,
	w: BeatWrite
): Promise<{ leaseOk: boolean; version: number | null; watchedSeconds: number | null; checkId: number | null; courseCompleted: boolean }> {
	const L = w.lease;
	const G = w.guard ?? null;
	const guard = G
		? sql`and exists (select 1 from enrolments e join courses c on c.id = e.course_id
					join lessons l on l.id = ${w.lessonId} and l.course_id = e.course_id and l.live_class_id is null
					where e.id = ${w.enrolmentId} and e.person_id = ${w.personId} and e.status = 'active' and c.status = 'published'
						and l.kind = ${G.lesson.kind} and l.minutes = ${G.lesson.minutes} and l.video_seconds is not distinct from ${G.lesson.video_seconds}::int)
				and not exists (select 1 from live_attendance la join live_classes lc on lc.id = la.class_id
					where la.person_id = ${w.personId} and la.last_at > ${G.liveSince} and la.released_at is null and not la.late
						and (la.mode = 'live' or lc.replay_rule = 'replay_allowed'))`
		: sql``;
	const leaseCte =
		w.expectedVersion === null
			? sql`insert into study_leases (person_id, enrolment_id, lesson_id, tab_id, started_at, last_beat_at, seconds_to_check, version, ip, device, released_at)
				values (${w.personId}, ${L.enrolment_id}, ${L.lesson_id}, ${L.tab_id}, ${L.started_at}, ${L.last_beat_at}, ${L.seconds_to_check}, 0, ${w.client.ip}, ${w.client.device}, ${L.released_at})
				on conflict (person_id) do nothing returning version`
			: sql`update study_leases set enrolment_id = ${L.enrolment_id}, lesson_id = ${L.lesson_id}, tab_id = ${L.tab_id},
					started_at = ${L.started_at}, last_beat_at = ${L.last_beat_at}, seconds_to_check = ${L.seconds_to_check},
					version = version + 1, ip = ${w.client.ip}, device = ${w.client.device}, released_at = ${L.released_at}
				where person_id = ${w.personId} and version = ${w.expectedVersion} ${guard} returning version`;
	const P = w.progress;
	const progressCte = P
		? sql`insert into lesson_progress (enrolment_id, lesson_id, credited_seconds, watched_seconds, reached_end, first_at, last_at, completed_at)
				select ${w.enrolmentId}, ${w.lessonId}, ${P.credited_seconds}::int, ${String(P.watched_seconds)}::numeric, ${P.reached_end}::boolean,
					${w.now}::timestamptz, ${w.now}::timestamptz, ${P.completed_at}::timestamptz
				from lease
				on conflict (enrolment_id, lesson_id) do update set credited_seconds = excluded.credited_seconds,
					watched_seconds = excluded.watched_seconds, reached_end = excluded.reached_end,
					last_at = excluded.last_at, completed_at = excluded.completed_at
				returning watched_seconds`
		: sql`select null::numeric as watched_seconds where false`;
	const checkCte = w.issueCheck
		? sql`insert into study_checks (person_id, enrolment_id, lesson_id, issued_at, deadline_at, kind)
				select ${w.personId}, ${w.enrolmentId}, ${w.lessonId}, ${w.now}::timestamptz, ${w.issueCheck.deadline_at}::timestamptz, ${w.issueCheck.kind}::text from lease
				returning id`
		: sql`select null::int as id where false`;
	const endCheckCte =
		w.endCheck !== null
			? sql`update study_checks set status = 'missed'
				where id = ${w.endCheck} and person_id = ${w.personId} and status = 'pending' and exists (select 1 from lease)
				returning id, enrolment_id, lesson_id`
			: sql`select null::int as id, null::int as enrolment_id, null::int as lesson_id where false`;
	// The progress row written in this statement is not visible to its siblings: the lesson
	// being completed now is excluded from the "any lesson still incomplete" test.
	const completionCte = w.lessonCompleted
		? sql`update enrolments e set completed_at = ${w.now}::timestamptz
				where e.id = ${w.enrolmentId} and e.completed_at is null and exists (select 1 from lease)
				and not exists (
					select 1 from lessons l
					left join lesson_progress p on p.lesson_id = l.id and p.enrolment_id = e.id
					where l.course_id = e.course_id and l.id <> ${w.lessonId} and p.completed_at is null)
				returning e.id`
		: sql`select null::int as id where false`;
	const E = w.event;
	// A prepared statement per variant of the CTEs (the name follows the text, see runPrepared).
	const rows = await runPrepared(
		db,
		'beat_write',
		sql<{ lease_ok: number; version: number | null; watched: string | number | null; check_id: number | null; course_completed: number }>`
		with lease as (${leaseCte}),
		prog as (${progressCte}),
		chk as (${checkCte}),
		done as (${completionCte}),
		ended as (${endCheckCte}),
		ev as (
			insert into study_events (at, person_id, enrolment_id, lesson_id, tab_id, kind, credited_seconds, position, playback_rate, reason, ip, device)
			select ${w.now}::timestamptz, ${w.personId}::int, v.enrolment_id, v.lesson_id, ${E.tabId}::text, v.kind, v.credited, ${E.position}::numeric, ${E.rate}::numeric, v.reason, ${w.client.ip}::text, ${w.client.device}::text
			from (
				select ${w.enrolmentId}::int as enrolment_id, ${w.lessonId}::int as lesson_id, ${E.kind}::text as kind, ${E.credited}::int as credited, ${E.reason}::text as reason
				union all select ${w.enrolmentId}::int, ${w.lessonId}::int, 'check_issued', 0, id::text from chk
				union all select ${w.enrolmentId}::int, ${w.lessonId}::int, 'lesson_completed', 0, null where ${w.lessonCompleted}::boolean
				-- the check ended with its session: recorded against the lesson it was issued in
				union all select enrolment_id, lesson_id, 'check_missed', 0, id::text || ' session_ended' from ended
			) v
			where exists (select 1 from lease)
		)
		select (select count(*) from lease)::int as lease_ok, (select version from lease) as version, (select watched_seconds from prog) as watched,
			(select id from chk) as check_id, (select count(*) from done)::int as course_completed`
	);
	const r = rows[0]!;
	return {
		leaseOk: r.lease_ok > 0,
		version: r.version,
		watchedSeconds: r.watched === null ? null : Number(r.watched),
		checkId: r.check_id,
		courseCompleted: r.course_completed > 0
	};
}

export type LeaseHolder = { courseTitle: string; lessonTitle: string; lessonNumber: number; startedAt: Date };

/** Which page counts: the course and lesson of the learner's live lease (its number within the course). */
export async function findLeaseHolder(db: Db, personId: number): Promise<LeaseHolder | null> {
	const { rows } = await sql<{ course_title: string; lesson_title: string; lesson_number: number; started_at: Date }>`
		select c.title as course_title, l.title as lesson_title, sl.started_at,
			(select count(*) from lessons o join course_modules om on om.id = o.module_id
				where o.course_id = l.course_id and (om.position, o.position, o.id) <= (m.position, l.position, l.id))::int as lesson_number
		from study_leases sl join lessons l on l.id = sl.lesson_id join course_modules m on m.id = l.module_id join courses c on c.id = l.course_id
		where sl.person_id = ${personId} and sl.released_at is null`.execute(db);
	const r = rows[0];
	return r ? { courseTitle: r.course_title, lessonTitle: r.lesson_title, lessonNumber: r.lesson_number, startedAt: new Date(r.started_at) } : null;
}
