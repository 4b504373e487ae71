import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { LeaseState, ProgressState } from './credit.ts';

/** Serialises one learner's heartbeats (all tabs, all instances) for the transaction. */
export async function lockLearner(db: Db, personId: number): Promise<void> {
	await sql`select pg_advisory_xact_lock(7301, ${personId})`.execute(db);
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

/** The enrolment with its course, and the lesson if (and only if) it belongs to that course. */
export async function findStudyTarget(db: Db, enrolmentId: number, lessonId: number): Promise<StudyTarget | undefined> {
	return db
		.selectFrom('enrolments as e')
		.innerJoin('courses as c', 'c.id', 'e.course_id')
		.leftJoin('lessons as l', (j) => j.onRef('l.course_id', '=', 'c.id').on('l.id', '=', lessonId))
		.select([
			'e.id as enrolment_id',
			'e.person_id',
			'e.status as enrolment_status',
			'c.id as course_id',
			'c.status as course_status',
			'c.title as course_title',
			'l.id as lesson_id',
			'l.kind as lesson_kind',
			'l.title as lesson_title',
			'l.minutes',
			'l.video_seconds'
		])
		.where('e.id', '=', enrolmentId)
		.executeTakeFirst();
}

export async function getLease(db: Db, personId: number): Promise<LeaseState | null> {
	const row = await db
		.selectFrom('study_leases')
		.select(['enrolment_id', 'lesson_id', 'tab_id', 'started_at', 'last_beat_at', 'seconds_to_check'])
		.where('person_id', '=', personId)
		.executeTakeFirst();
	return row ?? null;
}

export async function saveLease(db: Db, personId: number, lease: LeaseState, client: { ip: string | null; device: string | null }): Promise<void> {
	const values = { person_id: personId, ...lease, ip: client.ip, device: client.device };
	await db
		.insertInto('study_leases')
		.values(values)
		.onConflict((oc) =>
			oc.column('person_id').doUpdateSet({
				enrolment_id: lease.enrolment_id,
				lesson_id: lease.lesson_id,
				tab_id: lease.tab_id,
				started_at: lease.started_at,
				last_beat_at: lease.last_beat_at,
				seconds_to_check: lease.seconds_to_check,
				ip: client.ip,
				device: client.device
			})
		)
		.execute();
}

export async function getProgress(db: Db, enrolmentId: number, lessonId: number): Promise<ProgressState | null> {
	const row = await db
		.selectFrom('lesson_progress')
		.select(['credited_seconds', 'watched_seconds', 'reached_end', 'completed_at'])
		.where('enrolment_id', '=', enrolmentId)
		.where('lesson_id', '=', lessonId)
		.executeTakeFirst();
	return row ? { ...row, watched_seconds: Number(row.watched_seconds) } : null;
}

export async function saveProgress(
	db: Db,
	key: { enrolmentId: number; lessonId: number },
	p: { credited_seconds: number; watched_seconds: number; reached_end: boolean; completed_at: Date | null },
	now: Date
): Promise<void> {
	await db
		.insertInto('lesson_progress')
		.values({
			enrolment_id: key.enrolmentId,
			lesson_id: key.lessonId,
			credited_seconds: p.credited_seconds,
			watched_seconds: String(p.watched_seconds),
			reached_end: p.reached_end,
			first_at: now,
			last_at: now,
			completed_at: p.completed_at
		})
		.onConflict((oc) =>
			oc.columns(['enrolment_id', 'lesson_id']).doUpdateSet({
				credited_seconds: p.credited_seconds,
				watched_seconds: String(p.watched_seconds),
				reached_end: p.reached_end,
				last_at: now,
				completed_at: p.completed_at
			})
		)
		.execute();
}

export async function getOpenCheck(db: Db, personId: number): Promise<{ id: number; deadline_at: Date } | null> {
	const row = await db
		.selectFrom('study_checks')
		.select(['id', 'deadline_at'])
		.where('person_id', '=', personId)
		.where('status', '=', 'pending')
		.orderBy('id', 'desc')
		.executeTakeFirst();
	return row ?? null;
}

export async function insertCheck(
	db: Db,
	c: { personId: number; enrolmentId: number; lessonId: number; issuedAt: Date; deadlineAt: Date }
): Promise<number> {
	const row = await db
		.insertInto('study_checks')
		.values({ person_id: c.personId, enrolment_id: c.enrolmentId, lesson_id: c.lessonId, issued_at: c.issuedAt, deadline_at: c.deadlineAt })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

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
	kind: 'beat' | 'refused' | 'check_issued' | 'check_passed' | 'check_missed' | 'lesson_completed';
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

/** Marks the enrolment complete when every lesson of its course is complete. */
export async function completeEnrolmentIfDone(db: Db, enrolmentId: number, now: Date): Promise<boolean> {
	const result = await sql<{ id: number }>`
		update enrolments e set completed_at = ${now}
		where e.id = ${enrolmentId} and e.completed_at is null
		  and not exists (
			select 1 from lessons l
			left join lesson_progress p on p.lesson_id = l.id and p.enrolment_id = e.id
			where l.course_id = e.course_id and p.completed_at is null)
		returning e.id`.execute(db);
	return result.rows.length > 0;
}

/** After a late confirmation the clock restarts: the overdue period is never credited. */
export async function restartLeaseClock(db: Db, personId: number, now: Date): Promise<void> {
	await db.updateTable('study_leases').set({ last_beat_at: now }).where('person_id', '=', personId).where('last_beat_at', '<', now).execute();
}
