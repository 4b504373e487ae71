import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Tx } from '../db/transaction.ts';
import { lockSession } from '../exams/session.repository.ts';

// SQL of 特种作业 scheduling: sessions at 考试点 rooms, the accepted applications assigned to them
// (exam_candidates with application_id + seat_no; practical_attempts with station_no), and the
// 培训班 teachers an examiner may not examine (教考分离).

export type Booking = { kind: 'theory' | 'practical'; id: number; name: string; opens_at: Date; closes_at: Date };

/** Live sessions (theory or practical) in the room overlapping [opensAt, closesAt). */
export async function findRoomBookings(db: Db, roomId: number, opensAt: Date, closesAt: Date): Promise<Booking[]> {
	const theory = await db
		.selectFrom('exam_sessions')
		.select(['id', 'name', 'opens_at', 'closes_at'])
		.where('room_id', '=', roomId)
		.where('status', '!=', 'cancelled')
		.where('opens_at', '<', closesAt)
		.where('closes_at', '>', opensAt)
		.execute();
	const practical = await db
		.selectFrom('practical_sessions')
		.select(['id', 'name', 'opens_at', 'closes_at'])
		.where('room_id', '=', roomId)
		.where('status', '!=', 'cancelled')
		.where('opens_at', '<', closesAt)
		.where('closes_at', '>', opensAt)
		.execute();
	return [...theory.map((r) => ({ kind: 'theory' as const, ...r })), ...practical.map((r) => ({ kind: 'practical' as const, ...r }))];
}

export async function setExamSessionRoom(db: Db, sessionId: number, roomId: number) {
	await db.updateTable('exam_sessions').set({ room_id: roomId }).where('id', '=', sessionId).execute();
}

export async function listAllSheets(db: Db) {
	return db.selectFrom('practical_sheets').select(['code', 'version', 'title', 'special_operation_code']).orderBy('special_operation_code').orderBy('code').orderBy('version', 'desc').execute();
}

export async function findSheet(db: Db, code: string, version: number) {
	return db.selectFrom('practical_sheets').select(['code', 'version', 'title', 'special_operation_code']).where('code', '=', code).where('version', '=', version).executeTakeFirst();
}

export async function insertPracticalSession(
	db: Db,
	v: { institutionOrgId: number; roomId: number; code: string; sheetCode: string; sheetVersion: number; name: string; opensAt: Date; closesAt: Date; createdBy: number; now: Date }
) {
	const row = await db
		.insertInto('practical_sessions')
		.values({
			institution_org_id: v.institutionOrgId,
			room_id: v.roomId,
			special_operation_code: v.code,
			sheet_code: v.sheetCode,
			sheet_version: v.sheetVersion,
			name: v.name,
			opens_at: v.opensAt,
			closes_at: v.closesAt,
			created_by: v.createdBy,
			created_at: v.now
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function replacePracticalExaminers(db: Db, sessionId: number, userIds: readonly number[]) {
	await db.deleteFrom('practical_session_examiners').where('session_id', '=', sessionId).execute();
	if (userIds.length) await db.insertInto('practical_session_examiners').values(userIds.map((user_id) => ({ session_id: sessionId, user_id }))).execute();
}

export type TheorySessionAtRoom = { id: number; name: string; opens_at: Date; closes_at: Date; status: string; room_id: number; room_name: string; capacity: number; centre_name: string; address: string };

export async function findTheorySessionAtRoom(db: Db, institutionOrgId: number, sessionId: number): Promise<TheorySessionAtRoom | undefined> {
	const row = await db
		.selectFrom('exam_sessions as s')
		.innerJoin('exam_centre_rooms as x', 'x.id', 's.room_id')
		.innerJoin('exam_centres as c', 'c.id', 'x.centre_id')
		.select(['s.id', 's.name', 's.opens_at', 's.closes_at', 's.status', 'x.id as room_id', 'x.name as room_name', 'x.capacity', 'c.name as centre_name', 'c.address'])
		.where('s.id', '=', sessionId)
		.where('s.owner_org_id', '=', institutionOrgId)
		.executeTakeFirst();
	return row;
}

/** Locks the theory session row (its roster changes are serialised, as for any exam session), then reads it if it is the institution's. */
export async function lockTheorySessionAtRoom(tx: Tx, institutionOrgId: number, sessionId: number): Promise<TheorySessionAtRoom | undefined> {
	await lockSession(tx, sessionId);
	return findTheorySessionAtRoom(tx, institutionOrgId, sessionId);
}

export type PracticalSessionRow = {
	id: number;
	name: string;
	opens_at: Date;
	closes_at: Date;
	status: string;
	special_operation_code: string;
	item: string;
	sheet_code: string;
	sheet_version: number;
	room_id: number;
	room_name: string;
	capacity: number;
	centre_name: string;
	address: string;
	video_recording: boolean;
};

export async function findPracticalSession(db: Db, institutionOrgId: number, sessionId: number): Promise<PracticalSessionRow | undefined> {
	const row = await db
		.selectFrom('practical_sessions as s')
		.innerJoin('exam_centre_rooms as x', 'x.id', 's.room_id')
		.innerJoin('exam_centres as c', 'c.id', 'x.centre_id')
		.innerJoin('special_operations as o', 'o.code', 's.special_operation_code')
		.select(['s.id', 's.name', 's.opens_at', 's.closes_at', 's.status', 's.special_operation_code', 'o.item', 's.sheet_code', 's.sheet_version', 'x.id as room_id', 'x.name as room_name', 'x.capacity', 'c.name as centre_name', 'c.address', 'c.video_recording'])
		.where('s.id', '=', sessionId)
		.where('s.institution_org_id', '=', institutionOrgId)
		.executeTakeFirst();
	return row;
}

/** Locks the practical session row (its roster and examiner changes are serialised), then reads it if it is the institution's. */
export async function lockPracticalSession(tx: Tx, institutionOrgId: number, sessionId: number): Promise<PracticalSessionRow | undefined> {
	await sql`select id from practical_sessions where id = ${sessionId} for update`.execute(tx);
	return findPracticalSession(tx, institutionOrgId, sessionId);
}

/** The institution's sessions held at its 考试点 rooms, newest first. */
export async function listRoomSessions(db: Db, institutionOrgId: number) {
	const theory = await db
		.selectFrom('exam_sessions as s')
		.innerJoin('exam_centre_rooms as x', 'x.id', 's.room_id')
		.innerJoin('exam_centres as c', 'c.id', 'x.centre_id')
		.select(['s.id', 's.name', 's.opens_at', 's.closes_at', 's.status', 'x.name as room_name', 'x.capacity', 'c.name as centre_name'])
		.select((eb) => eb.selectFrom('exam_candidates as k').select((e) => e.fn.countAll<number>().as('n')).whereRef('k.session_id', '=', 's.id').where('k.application_id', 'is not', null).as('assigned'))
		.where('s.owner_org_id', '=', institutionOrgId)
		.orderBy('s.opens_at', 'desc')
		.execute();
	const practical = await db
		.selectFrom('practical_sessions as s')
		.innerJoin('exam_centre_rooms as x', 'x.id', 's.room_id')
		.innerJoin('exam_centres as c', 'c.id', 'x.centre_id')
		.innerJoin('special_operations as o', 'o.code', 's.special_operation_code')
		.select(['s.id', 's.name', 's.opens_at', 's.closes_at', 's.status', 'x.name as room_name', 'x.capacity', 'c.name as centre_name', 'o.item'])
		.select((eb) => eb.selectFrom('practical_attempts as a').select((e) => e.fn.countAll<number>().as('n')).whereRef('a.session_id', '=', 's.id').as('assigned'))
		.where('s.institution_org_id', '=', institutionOrgId)
		.orderBy('s.opens_at', 'desc')
		.execute();
	return {
		theory: theory.map((r) => ({ ...r, assigned: Number(r.assigned ?? 0) })),
		practical: practical.map((r) => ({ ...r, assigned: Number(r.assigned ?? 0) }))
	};
}

export type ApplicationForScheduling = { id: number; person_id: number; person_name: string; id_number: string; special_operation_code: string; item: string; status: string; cohort_id: number | null; enterprise_name: string | null };

/** The institution's applications among `ids` (any status; the caller checks 'accepted'). */
export async function findApplications(db: Db, institutionOrgId: number, ids: readonly number[]): Promise<ApplicationForScheduling[]> {
	if (!ids.length) return [];
	return db
		.selectFrom('so_applications as a')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.innerJoin('special_operations as o', 'o.code', 'a.special_operation_code')
		.leftJoin('organisations as e', 'e.id', 'a.enterprise_org_id')
		.select(['a.id', 'a.person_id', 'p.name as person_name', 'p.id_number', 'a.special_operation_code', 'o.item', 'a.status', 'a.cohort_id', 'e.name as enterprise_name'])
		.where('a.institution_org_id', '=', institutionOrgId)
		.where('a.id', 'in', [...ids])
		.orderBy('a.id')
		.execute();
}

/** Accepted applications not yet on this theory session. */
export async function listAssignableForTheory(db: Db, institutionOrgId: number, sessionId: number) {
	return db
		.selectFrom('so_applications as a')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.innerJoin('special_operations as o', 'o.code', 'a.special_operation_code')
		.leftJoin('organisations as e', 'e.id', 'a.enterprise_org_id')
		.select(['a.id', 'p.name as person_name', 'o.item', 'e.name as enterprise_name'])
		.where('a.institution_org_id', '=', institutionOrgId)
		.where('a.status', '=', 'accepted')
		.where((eb) => eb.not(eb.exists(eb.selectFrom('exam_candidates as k').select('k.id').where('k.session_id', '=', sessionId).whereRef('k.person_id', '=', 'a.person_id'))))
		.orderBy('a.id')
		.limit(500)
		.execute();
}

/** Accepted applications for the session's 操作项目 without a practical attempt still open. */
export async function listAssignableForPractical(db: Db, institutionOrgId: number, code: string) {
	return db
		.selectFrom('so_applications as a')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.leftJoin('organisations as e', 'e.id', 'a.enterprise_org_id')
		.select(['a.id', 'p.name as person_name', 'e.name as enterprise_name'])
		.select((eb) => eb.selectFrom('practical_attempts as t').select((e) => e.fn.countAll<number>().as('n')).whereRef('t.application_id', '=', 'a.id').as('previous'))
		.where('a.institution_org_id', '=', institutionOrgId)
		.where('a.status', '=', 'accepted')
		.where('a.special_operation_code', '=', code)
		.where((eb) => eb.not(eb.exists(eb.selectFrom('practical_attempts as t').select('t.id').whereRef('t.application_id', '=', 'a.id').where('t.status', 'in', ['scheduled', 'in_progress', 'scored']))))
		.orderBy('a.id')
		.limit(500)
		.execute();
}

export async function theoryRoster(db: Db, sessionId: number) {
	return db
		.selectFrom('exam_candidates as k')
		.innerJoin('persons as p', 'p.id', 'k.person_id')
		.leftJoin('so_applications as a', 'a.id', 'k.application_id')
		.leftJoin('special_operations as o', 'o.code', 'a.special_operation_code')
		.select(['k.id', 'k.seat_no', 'k.application_id', 'p.name as person_name', 'o.item'])
		.where('k.session_id', '=', sessionId)
		.orderBy('k.seat_no')
		.orderBy('k.id')
		.execute();
}

export async function takenSeats(db: Db, sessionId: number): Promise<number[]> {
	const rows = await db.selectFrom('exam_candidates').select('seat_no').where('session_id', '=', sessionId).where('seat_no', 'is not', null).execute();
	return rows.map((r) => r.seat_no as number);
}

export async function personsOnTheoryRoster(db: Db, sessionId: number, personIds: readonly number[]): Promise<number[]> {
	if (!personIds.length) return [];
	const rows = await db.selectFrom('exam_candidates').select('person_id').where('session_id', '=', sessionId).where('person_id', 'in', [...personIds]).execute();
	return rows.map((r) => r.person_id);
}

export async function insertTheoryCandidates(db: Db, sessionId: number, rows: { personId: number; applicationId: number; seatNo: number }[], addedBy: number, now: Date) {
	if (!rows.length) return;
	await db
		.insertInto('exam_candidates')
		.values(rows.map((r) => ({ session_id: sessionId, person_id: r.personId, application_id: r.applicationId, seat_no: r.seatNo, added_by: addedBy, added_at: now })))
		.execute();
}

export async function practicalRoster(db: Db, sessionId: number) {
	return db
		.selectFrom('practical_attempts as t')
		.innerJoin('persons as p', 'p.id', 't.person_id')
		.select(['t.id', 't.station_no', 't.attempt_no', 't.status', 't.application_id', 'p.name as person_name'])
		.where('t.session_id', '=', sessionId)
		.orderBy('t.station_no')
		.execute();
}

export async function takenStations(db: Db, sessionId: number): Promise<number[]> {
	const rows = await db.selectFrom('practical_attempts').select('station_no').where('session_id', '=', sessionId).execute();
	return rows.map((r) => r.station_no);
}

/** Per application: how many practical attempts it has had, and whether one is still open. */
export async function practicalHistory(db: Db, applicationIds: readonly number[]) {
	if (!applicationIds.length) return new Map<number, { count: number; open: boolean }>();
	const rows = await db
		.selectFrom('practical_attempts')
		.select(['application_id', 'status'])
		.where('application_id', 'in', [...applicationIds])
		.execute();
	const out = new Map<number, { count: number; open: boolean }>();
	for (const r of rows) {
		const h = out.get(r.application_id) ?? { count: 0, open: false };
		h.count++;
		if (r.status === 'scheduled' || r.status === 'in_progress' || r.status === 'scored') h.open = true;
		out.set(r.application_id, h);
	}
	return out;
}

export async function insertPracticalAttempts(db: Db, sessionId: number, rows: { applicationId: number; personId: number; stationNo: number; attemptNo: number }[], now: Date) {
	if (!rows.length) return [];
	return db
		.insertInto('practical_attempts')
		.values(rows.map((r) => ({ session_id: sessionId, application_id: r.applicationId, person_id: r.personId, station_no: r.stationNo, attempt_no: r.attemptNo, created_at: now })))
		.returning(['id', 'application_id'])
		.execute();
}

export async function theoryExaminerIds(db: Db, sessionId: number): Promise<number[]> {
	const rows = await db.selectFrom('exam_session_examiners').select('user_id').where('session_id', '=', sessionId).execute();
	return rows.map((r) => r.user_id);
}

export async function practicalExaminers(db: Db, sessionId: number) {
	return db
		.selectFrom('practical_session_examiners as x')
		.innerJoin('users as u', 'u.id', 'x.user_id')
		.select(['u.id', 'u.display_name'])
		.where('x.session_id', '=', sessionId)
		.orderBy('u.id')
		.execute();
}

export async function applicationIdsOfTheorySession(db: Db, sessionId: number): Promise<number[]> {
	const rows = await db.selectFrom('exam_candidates').select('application_id').where('session_id', '=', sessionId).where('application_id', 'is not', null).execute();
	return rows.map((r) => r.application_id as number);
}

export async function applicationIdsOfPracticalSession(db: Db, sessionId: number): Promise<number[]> {
	const rows = await db.selectFrom('practical_attempts').select('application_id').where('session_id', '=', sessionId).execute();
	return rows.map((r) => r.application_id);
}

export type TaughtRow = { examiner_id: number; examiner_name: string; cohort_id: number; cohort_name: string; application_id: number; person_name: string };

/** Pairs (examiner, application) where the examiner teaches the application's 培训班. */
export async function findTaughtPairs(db: Db, examinerIds: readonly number[], applicationIds: readonly number[]): Promise<TaughtRow[]> {
	if (!examinerIds.length || !applicationIds.length) return [];
	return db
		.selectFrom('so_applications as a')
		.innerJoin('training_cohort_teachers as t', 't.cohort_id', 'a.cohort_id')
		.innerJoin('training_cohorts as c', 'c.id', 'a.cohort_id')
		.innerJoin('users as u', 'u.id', 't.user_id')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.select(['u.id as examiner_id', 'u.display_name as examiner_name', 'c.id as cohort_id', 'c.name as cohort_name', 'a.id as application_id', 'p.name as person_name'])
		.where('t.user_id', 'in', [...examinerIds])
		.where('a.id', 'in', [...applicationIds])
		.orderBy('u.id')
		.orderBy('c.id')
		.orderBy('a.id')
		.execute();
}
