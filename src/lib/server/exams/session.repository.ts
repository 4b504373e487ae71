import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
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
	return (await db
		.selectFrom('exam_blueprints')
		.select(['id', 'owner_org_id', 'name', 'bank_ids', 'definition', 'certificate_type', 'exam_kind', 'practice_open'])
		.where('id', '=', id)
		.executeTakeFirst()) as BlueprintRow | undefined;
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
	return (await db.selectFrom('exam_sessions').selectAll().where('id', '=', id).executeTakeFirst()) as SessionRow | undefined;
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

export async function attemptSummary(db: Db, candidateId: number) {
	const rows = await db
		.selectFrom('exam_attempts')
		.select(['id', 'status', 'passed', 'decision', 'deadline_at'])
		.where('candidate_id', '=', candidateId)
		.orderBy('id')
		.execute();
	const counted = rows.filter((r) => r.status === 'finished' && r.decision !== 'voided');
	return {
		finished: counted.length,
		passed: counted.some((r) => r.passed === true),
		inProgress: rows.find((r) => r.status === 'in_progress') ?? null,
		ready: rows.find((r) => r.status === 'ready') ?? null,
		lastFinished: counted.at(-1) ?? null
	};
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
