import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Tx } from '../db/transaction.ts';
import type { Blueprint } from '../question-engine/blueprint.ts';

// SQL for exam definitions: blueprints, sessions (场次), rosters and examiners.

export type BlueprintRow = {
	id: number;
	owner_org_id: number;
	name: string;
	bank_ids: number[];
	definition: Blueprint;
	certificate_type: string;
	exam_kind: string;
	practice_open: boolean;
};

export async function findBlueprint(db: Db, id: number): Promise<BlueprintRow | undefined> {
	return db
		.selectFrom('exam_blueprints')
		.select(['id', 'owner_org_id', 'name', 'bank_ids', 'definition', 'certificate_type', 'exam_kind', 'practice_open'])
		.where('id', '=', id)
		.executeTakeFirst();
}

export type SessionRow = {
	id: number;
	owner_org_id: number;
	blueprint_id: number;
	course_id: number | null;
	name: string;
	mode: 'online' | 'exam_point';
	exam_point: string | null;
	opens_at: Date;
	closes_at: Date;
	access_code: string | null;
	paper_mode: 'fixed' | 'per_candidate';
	max_attempts: number | null;
	require_fullscreen: boolean;
	require_webcam: boolean;
	require_id_check: boolean;
	allow_new_device: boolean;
	review_policy: 'none' | 'score_only' | 'after_close';
	status: 'scheduled' | 'cancelled';
	papers_prepared_at: Date | null;
};

export async function findSession(db: Db, id: number): Promise<SessionRow | undefined> {
	return db.selectFrom('exam_sessions').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function findCandidate(db: Db, sessionId: number, personId: number) {
	return db.selectFrom('exam_candidates').selectAll().where('session_id', '=', sessionId).where('person_id', '=', personId).executeTakeFirst();
}

/** Study facts for eligibility: the person's enrolments in the course (any plan year), best first. */
export async function courseCompletion(db: Db, personId: number, courseId: number) {
	const { rows } = await sql<{ title: string; credit_hours: string; completed: boolean; credited_seconds: string; minutes: string }>`
		select c.title, c.credit_hours,
			coalesce(bool_or(e.completed_at is not null), false) as completed,
			coalesce(max(p.sum_seconds), 0) as credited_seconds,
			(select coalesce(sum(l.minutes), 0) from lessons l where l.course_id = c.id) as minutes
		from courses c
		left join enrolments e on e.course_id = c.id and e.person_id = ${personId} and e.status = 'active'
		left join lateral (select sum(lp.credited_seconds) as sum_seconds from lesson_progress lp where lp.enrolment_id = e.id) p on true
		where c.id = ${courseId}
		group by c.id`.execute(db);
	const row = rows[0];
	if (!row) return null;
	const hours = Number(row.credit_hours);
	const minutes = Number(row.minutes) || 1;
	// The course's 学时 earned in proportion to its lesson minutes credited.
	const credited = Math.min(hours, (Number(row.credited_seconds) / 60 / minutes) * hours);
	return { title: row.title, completed: row.completed, creditedHours: row.completed ? hours : Math.floor(credited * 10) / 10, requiredHours: hours };
}

export async function isSessionExaminer(db: Db, sessionId: number, userId: number): Promise<boolean> {
	const row = await db.selectFrom('exam_session_examiners').select('user_id').where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
	return !!row;
}

export type AccessFacts = {
	session: SessionRow;
	durationMinutes: number;
	candidate: { id: number; id_checked_at: Date | null } | null;
	person: { active: boolean; id_number: string } | null;
	attempts: { id: number; status: string; passed: boolean | null; decision: string | null; deadline_at: string | null }[];
};

/** Everything eligibility needs but the course, in one read (the exam-day start spike hits this). */
export async function readAccessFacts(db: Db, sessionId: number, personId: number): Promise<AccessFacts | undefined> {
	const { rows } = await sql<{ session: SessionRow; duration: number; candidate_id: number | null; id_checked_at: Date | null; active: boolean | null; id_number: string | null; attempts: AccessFacts['attempts'] | null }>`
		select to_jsonb(s.*) as session, (b.definition->>'durationMinutes')::int as duration,
			c.id as candidate_id, c.id_checked_at, p.active, p.id_number,
			(select json_agg(json_build_object('id', a.id, 'status', a.status, 'passed', a.passed, 'decision', a.decision, 'deadline_at', a.deadline_at) order by a.id)
				from exam_attempts a where a.candidate_id = c.id) as attempts
		from exam_sessions s
		join exam_blueprints b on b.id = s.blueprint_id
		left join exam_candidates c on c.session_id = s.id and c.person_id = ${personId}
		left join persons p on p.id = ${personId}
		where s.id = ${sessionId}`.execute(db);
	const row = rows[0];
	if (!row) return undefined;
	const raw = row.session as unknown as Record<string, unknown>;
	const session = { ...row.session } as SessionRow;
	for (const k of ['opens_at', 'closes_at', 'papers_prepared_at'] as const) {
		const v = raw[k];
		(session as Record<string, unknown>)[k] = typeof v === 'string' ? new Date(v) : v;
	}
	return {
		session,
		durationMinutes: row.duration,
		candidate: row.candidate_id === null ? null : { id: row.candidate_id, id_checked_at: row.id_checked_at },
		person: row.active === null || row.id_number === null ? null : { active: row.active, id_number: row.id_number },
		attempts: row.attempts ?? []
	};
}

// Sessions (场次): writes and the reads of the session use cases (session-service.ts).

/** The institution's active examiners (users with the examiner membership). */
export async function listOrgExaminers(db: Db, orgId: number) {
	return db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.select(['u.id', 'u.display_name', 'u.mobile'])
		.where('m.org_id', '=', orgId)
		.where('m.role', '=', 'examiner')
		.where('u.disabled', '=', false)
		.orderBy('u.id')
		.execute();
}

/** The institution's published courses (学时 eligibility). */
export async function listOwnPublishedCourses(db: Db, orgId: number) {
	return db.selectFrom('courses').select(['id', 'title', 'credit_hours']).where('owner_org_id', '=', orgId).where('status', '=', 'published').orderBy('title').execute();
}

export async function findOwnBlueprintKind(db: Db, orgId: number, blueprintId: number) {
	return db.selectFrom('exam_blueprints').select(['id', 'certificate_type', 'exam_kind']).where('id', '=', blueprintId).where('owner_org_id', '=', orgId).executeTakeFirst();
}

export async function isOwnPublishedCourse(db: Db, orgId: number, courseId: number): Promise<boolean> {
	const course = await db.selectFrom('courses').select('id').where('id', '=', courseId).where('owner_org_id', '=', orgId).where('status', '=', 'published').executeTakeFirst();
	return course !== undefined;
}

/** A session as scheduled: the row without its id, status and preparation, plus who and when. */
export type NewSession = Omit<SessionRow, 'id' | 'status' | 'papers_prepared_at'> & { created_by: number; created_at: Date };

export async function insertSession(db: Db, values: NewSession): Promise<number> {
	const row = await db.insertInto('exam_sessions').values(values).returning('id').executeTakeFirstOrThrow();
	return row.id;
}

export async function insertSessionExaminers(db: Db, sessionId: number, userIds: readonly number[]): Promise<void> {
	if (userIds.length) await db.insertInto('exam_session_examiners').values(userIds.map((user_id) => ({ session_id: sessionId, user_id }))).execute();
}

export async function replaceSessionExaminers(db: Db, sessionId: number, userIds: readonly number[]): Promise<void> {
	await db.deleteFrom('exam_session_examiners').where('session_id', '=', sessionId).execute();
	await insertSessionExaminers(db, sessionId, userIds);
}

/** Sessions of an institution; `examinerUserId` limits them to the sessions that examiner is assigned to. */
export async function listOrgSessions(db: Db, orgId: number, examinerUserId: number | null) {
	let q = db
		.selectFrom('exam_sessions as s')
		.innerJoin('exam_blueprints as b', 'b.id', 's.blueprint_id')
		.select(['s.id', 's.name', 's.mode', 's.exam_point', 's.opens_at', 's.closes_at', 's.status', 's.papers_prepared_at', 'b.name as blueprint'])
		.select((eb) => [
			eb.selectFrom('exam_candidates as c').select((e) => e.fn.countAll<number>().as('n')).whereRef('c.session_id', '=', 's.id').as('candidates'),
			eb.selectFrom('exam_attempts as a').select((e) => e.fn.countAll<number>().as('n')).whereRef('a.session_id', '=', 's.id').where('a.status', '=', 'in_progress').as('in_progress'),
			eb.selectFrom('exam_attempts as a').select((e) => e.fn.countAll<number>().as('n')).whereRef('a.session_id', '=', 's.id').where('a.status', '=', 'finished').as('finished')
		])
		.where('s.owner_org_id', '=', orgId);
	if (examinerUserId !== null) {
		q = q.where((eb) => eb.exists(eb.selectFrom('exam_session_examiners as x').select('x.user_id').whereRef('x.session_id', '=', 's.id').where('x.user_id', '=', examinerUserId)));
	}
	const rows = await q.orderBy('s.opens_at', 'desc').orderBy('s.id', 'desc').execute();
	return rows.map((r) => ({ ...r, candidates: Number(r.candidates ?? 0), in_progress: Number(r.in_progress ?? 0), finished: Number(r.finished ?? 0) }));
}

export async function getSessionBlueprint(db: Db, blueprintId: number) {
	return db.selectFrom('exam_blueprints').select(['id', 'name', 'certificate_type', 'exam_kind', 'definition']).where('id', '=', blueprintId).executeTakeFirstOrThrow();
}

export async function findCourseSummary(db: Db, courseId: number) {
	return db.selectFrom('courses').select(['id', 'title', 'credit_hours']).where('id', '=', courseId).executeTakeFirst();
}

export async function listSessionExaminers(db: Db, sessionId: number) {
	return db.selectFrom('exam_session_examiners as x').innerJoin('users as u', 'u.id', 'x.user_id').select(['u.id', 'u.display_name']).where('x.session_id', '=', sessionId).orderBy('u.id').execute();
}

export async function listRoster(db: Db, sessionId: number) {
	const rows = await db
		.selectFrom('exam_candidates as c')
		.innerJoin('persons as p', 'p.id', 'c.person_id')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.select(['c.id', 'c.person_id', 'c.id_checked_at', 'p.name', 'p.id_number', 'o.name as org'])
		.select((eb) => eb.selectFrom('exam_attempts as a').select((e) => e.fn.countAll<number>().as('n')).whereRef('a.candidate_id', '=', 'c.id').where('a.status', '!=', 'ready').as('attempts'))
		.select((eb) => eb.selectFrom('exam_attempts as a').select((e) => e.fn.countAll<number>().as('n')).whereRef('a.candidate_id', '=', 'c.id').where('a.status', '=', 'ready').as('ready'))
		.where('c.session_id', '=', sessionId)
		.orderBy('c.id')
		.execute();
	return rows.map((r) => ({ ...r, attempts: Number(r.attempts ?? 0), ready: Number(r.ready ?? 0) }));
}

export async function findPersonsByIdNumbers(db: Db, idNumbers: readonly string[]) {
	return idNumbers.length ? db.selectFrom('persons').select(['id', 'id_number', 'active']).where('id_number', 'in', idNumbers).execute() : [];
}

/** Adds persons to the roster; those already on it are skipped. Returns the persons added. */
export async function insertCandidates(db: Db, sessionId: number, personIds: readonly number[], addedBy: number, now: Date): Promise<number[]> {
	const rows = await db
		.insertInto('exam_candidates')
		.values(personIds.map((person_id) => ({ session_id: sessionId, person_id, added_by: addedBy, added_at: now })))
		.onConflict((oc) => oc.columns(['session_id', 'person_id']).doNothing())
		.returning('person_id')
		.execute();
	return rows.map((r) => r.person_id);
}

/** Locks the session row (roster changes of one session are serialised). */
export async function lockSession(tx: Tx, sessionId: number): Promise<void> {
	await sql`select id from exam_sessions where id = ${sessionId} for update`.execute(tx);
}

export async function findOwnCandidate(db: Db, orgId: number, sessionId: number, candidateId: number) {
	return db
		.selectFrom('exam_candidates as c')
		.innerJoin('exam_sessions as s', 's.id', 'c.session_id')
		.select(['c.id', 'c.person_id'])
		.where('c.id', '=', candidateId)
		.where('c.session_id', '=', sessionId)
		.where('s.owner_org_id', '=', orgId)
		.executeTakeFirst();
}

export async function lockCandidateAttempts(tx: Tx, candidateId: number) {
	return tx.selectFrom('exam_attempts').select(['id', 'status', 'paper_id']).where('candidate_id', '=', candidateId).forUpdate().execute();
}

/** Deletes a waiting attempt; with `ownPaper`, also its paper when no other attempt uses it. */
export async function deleteWaitingAttempt(db: Db, attemptId: number, paperId: number, ownPaper: boolean): Promise<void> {
	await db.deleteFrom('exam_attempts').where('id', '=', attemptId).execute();
	if (ownPaper) await db.deleteFrom('exam_papers').where('id', '=', paperId).where((eb) => eb.not(eb.exists(eb.selectFrom('exam_attempts').select('id').where('paper_id', '=', paperId)))).execute();
}

export async function deleteCandidate(db: Db, candidateId: number): Promise<void> {
	await db.deleteFrom('exam_candidates').where('id', '=', candidateId).execute();
}

export async function countSessionAttempts(db: Db, sessionId: number, status: 'ready' | 'in_progress'): Promise<number> {
	const row = await db.selectFrom('exam_attempts').select((eb) => eb.fn.countAll<number>().as('n')).where('session_id', '=', sessionId).where('status', '=', status).executeTakeFirstOrThrow();
	return Number(row.n);
}

/** Cancels a scheduled session of the institution; false when there is none to cancel. */
export async function markSessionCancelled(db: Db, orgId: number, sessionId: number): Promise<boolean> {
	const r = await db.updateTable('exam_sessions').set({ status: 'cancelled' }).where('id', '=', sessionId).where('owner_org_id', '=', orgId).where('status', '=', 'scheduled').executeTakeFirst();
	return Number(r.numUpdatedRows) === 1;
}

export async function findSessionCandidate(db: Db, sessionId: number, candidateId: number) {
	return db.selectFrom('exam_candidates').select(['id', 'person_id']).where('id', '=', candidateId).where('session_id', '=', sessionId).executeTakeFirst();
}

// Paper preparation (paper-service.ts).

/** Candidates of the session without any attempt yet (waiting for a paper). */
export async function listCandidatesWithoutAttempt(db: Db, sessionId: number) {
	return db
		.selectFrom('exam_candidates as c')
		.select(['c.id', 'c.person_id'])
		.where('c.session_id', '=', sessionId)
		.where((eb) => eb.not(eb.exists(eb.selectFrom('exam_attempts as a').select('a.id').whereRef('a.candidate_id', '=', 'c.id'))))
		.orderBy('c.id')
		.execute();
}

/** The session's shared paper (fixed paper mode), drawn with this seed. */
export async function findSessionPaper(db: Db, sessionId: number, seed: string): Promise<number | null> {
	const row = await db.selectFrom('exam_papers').select('id').where('session_id', '=', sessionId).where('seed', '=', seed).executeTakeFirst();
	return row?.id ?? null;
}

export type ReadyAttempt = { sessionId: number; candidateId: number; personId: number; paperId: number; now: Date };

/** Writes waiting ('ready') first attempts in bulk, a thousand rows a statement. */
export async function insertReadyAttempts(db: Db, attempts: readonly ReadyAttempt[]): Promise<void> {
	const rows = attempts.map((a) => ({ mode: 'exam' as const, session_id: a.sessionId, candidate_id: a.candidateId, person_id: a.personId, paper_id: a.paperId, attempt_no: 1, status: 'ready' as const, created_at: a.now }));
	for (let i = 0; i < rows.length; i += 1000) await db.insertInto('exam_attempts').values(rows.slice(i, i + 1000)).execute();
}

export async function markPapersPrepared(db: Db, sessionId: number, now: Date): Promise<void> {
	await db.updateTable('exam_sessions').set({ papers_prepared_at: now }).where('id', '=', sessionId).execute();
}

// Blueprints (blueprint-service.ts).

export type BlueprintValues = { name: string; bankIds: readonly number[]; definition: Blueprint; certificateType: string; examKind: string; practiceOpen: boolean; now: Date };

function blueprintColumns(v: BlueprintValues) {
	return {
		name: v.name,
		bank_ids: JSON.stringify(v.bankIds),
		definition: JSON.stringify(v.definition),
		certificate_type: v.certificateType,
		exam_kind: v.examKind,
		practice_open: v.practiceOpen,
		updated_at: v.now
	};
}

export async function insertBlueprint(db: Db, orgId: number, createdBy: number, v: BlueprintValues): Promise<number> {
	const r = await db
		.insertInto('exam_blueprints')
		.values({ ...blueprintColumns(v), owner_org_id: orgId, created_by: createdBy, created_at: v.now })
		.returning('id')
		.executeTakeFirstOrThrow();
	return r.id;
}

/** Updates the institution's own blueprint; false when it has none with this id. */
export async function updateOwnBlueprint(db: Db, orgId: number, blueprintId: number, v: BlueprintValues): Promise<boolean> {
	const r = await db.updateTable('exam_blueprints').set(blueprintColumns(v)).where('id', '=', blueprintId).where('owner_org_id', '=', orgId).executeTakeFirst();
	return Number(r.numUpdatedRows) === 1;
}

/** The institution's blueprints, most recently changed first, with how many sessions use each. */
export async function listOrgBlueprints(db: Db, orgId: number) {
	const rows = await db
		.selectFrom('exam_blueprints as b')
		.select(['b.id', 'b.name', 'b.bank_ids', 'b.definition', 'b.certificate_type', 'b.exam_kind', 'b.practice_open', 'b.updated_at'])
		.select((eb) => eb.selectFrom('exam_sessions as s').select((e) => e.fn.countAll<number>().as('n')).whereRef('s.blueprint_id', '=', 'b.id').as('sessions'))
		.where('b.owner_org_id', '=', orgId)
		.orderBy('b.updated_at', 'desc')
		.execute();
	return rows.map((r) => ({ ...r, sessions: Number(r.sessions ?? 0) }));
}

export async function findOwnBlueprintRow(db: Db, orgId: number, blueprintId: number) {
	const row = await db
		.selectFrom('exam_blueprints')
		.select(['id', 'name', 'bank_ids', 'definition', 'certificate_type', 'exam_kind', 'practice_open'])
		.where('id', '=', blueprintId)
		.where('owner_org_id', '=', orgId)
		.executeTakeFirst();
	return row;
}
