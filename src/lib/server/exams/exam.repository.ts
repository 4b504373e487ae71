import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { isPoolRoot, runPrepared, runPreparedText } from '../db/prepared.ts';
import { batcherPerHandle, TurnBatcher } from '../db/turn-batcher.ts';
import type { StoredQuestion } from '../../question-bank/schema.ts';
import { duplicateGroupsOf, type PoolItem } from '../question-engine/blueprint.ts';
import { normaliseForDuplicates } from '../question-bank/quality.ts';
import { sourcesInForce } from '../question-bank/bank.query.ts';
import type { QuestionResponse } from '../question-engine/grading.ts';
import type { AttemptStatus, StoredSlot } from './attempt.ts';

// All SQL of the exam activity: papers, attempts, answer steps and proctoring events.

/** Options that refer to each other ("以上都对") must keep their order. */
const REFERS_TO_OTHERS = /以上|上述|前述|都不对|都对|均不|均正确/;

/**
 * Active, reviewed questions of the banks at their current versions: what the engine may draw from.
 * With `now`, also only questions whose every cited source is in force that day (a source that
 * lapsed since the last import is out before anyone re-imports). Duplicate groups (same_fact or the
 * same normalised stem, across the banks) and case groups come along for drawPaper.
 */
export async function loadPool(db: Db, bankIds: readonly number[], now?: Date): Promise<PoolItem[]> {
	if (!bankIds.length) return [];
	let query = db
		.selectFrom('qb_questions as q')
		.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'))
		.select([
			'q.id',
			'q.bank_id',
			'q.current_version',
			'q.type',
			'q.knowledge_code',
			'q.difficulty',
			'q.empirical_difficulty',
			'q.case_code',
			'q.same_fact',
			'q.stem_key',
			sql<string>`v.content->>'stem'`.as('stem'),
			sql<Record<string, string> | null>`v.content->'options'`.as('options')
		])
		.where('q.bank_id', 'in', [...bankIds])
		.where('q.status', '=', 'active')
		.where('q.review_status', '=', 'ok');
	if (now) query = query.where(sql<boolean>`${sourcesInForce(now)}`);
	const rows = await query.execute();
	const groups = duplicateGroupsOf(rows.map((r) => ({ questionId: String(r.id), sameFact: r.same_fact, stemKey: r.stem_key ?? normaliseForDuplicates(r.stem ?? '') })));
	return rows.map((r) => {
		const options = r.options ?? {};
		const item: PoolItem = {
			questionId: String(r.id),
			version: r.current_version,
			type: r.type,
			knowledge: r.knowledge_code,
			difficulty: r.difficulty,
			optionKeys: Object.keys(options).sort(),
			keepOptionOrder: Object.values(options).some((text) => REFERS_TO_OTHERS.test(text))
		};
		if (r.empirical_difficulty !== null) item.empiricalDifficulty = r.empirical_difficulty;
		const group = groups.get(String(r.id));
		if (group) item.duplicateGroup = group;
		if (r.case_code) item.caseKey = `${r.bank_id}:${r.case_code}`;
		return item;
	});
}

/** Question contents at pinned versions, keyed `${id}@${version}`. */
export async function loadQuestionVersions(db: Db, slots: readonly Pick<StoredSlot, 'questionId' | 'version'>[]): Promise<Map<string, StoredQuestion>> {
	if (!slots.length) return new Map();
	const ids = slots.map((s) => Number(s.questionId));
	const versions = slots.map((s) => s.version);
	const { rows } = await sql<{ question_id: number; version: number; content: StoredQuestion }>`
		select v.question_id, v.version, v.content
		from unnest(${ids}::int[], ${versions}::int[]) as p(question_id, version)
		join qb_question_versions v on v.question_id = p.question_id and v.version = p.version`.execute(db);
	return new Map(rows.map((r) => [`${r.question_id}@${r.version}`, r.content]));
}

export async function insertPaper(db: Db, paper: { sessionId: number | null; blueprintId: number | null; seed: string; slots: StoredSlot[]; totalPoints: number; now: Date }): Promise<number> {
	const row = await db
		.insertInto('exam_papers')
		.values({
			session_id: paper.sessionId,
			blueprint_id: paper.blueprintId,
			seed: paper.seed,
			slots: JSON.stringify(paper.slots),
			total_points: String(paper.totalPoints),
			created_at: paper.now
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** Inserts many papers (one per candidate) with one statement per 1,000; returns each paper's id by its seed. */
export async function insertPapers(db: Db, papers: { sessionId: number | null; blueprintId: number | null; seed: string; slots: StoredSlot[]; totalPoints: number; now: Date }[]): Promise<Map<string, number>> {
	const ids = new Map<string, number>();
	for (let i = 0; i < papers.length; i += 1000) {
		const rows = await db
			.insertInto('exam_papers')
			.values(
				papers.slice(i, i + 1000).map((p) => ({
					session_id: p.sessionId,
					blueprint_id: p.blueprintId,
					seed: p.seed,
					slots: JSON.stringify(p.slots),
					total_points: String(p.totalPoints),
					created_at: p.now
				}))
			)
			.returning(['id', 'seed'])
			.execute();
		for (const r of rows) ids.set(r.seed, r.id);
	}
	return ids;
}

export async function getPaperSlots(db: Db, paperId: number): Promise<StoredSlot[]> {
	const row = await db.selectFrom('exam_papers').select('slots').where('id', '=', paperId).executeTakeFirstOrThrow();
	return row.slots;
}

export type AttemptRow = {
	id: number;
	mode: 'exam' | 'practice';
	session_id: number | null;
	candidate_id: number | null;
	person_id: number;
	paper_id: number;
	attempt_no: number;
	status: AttemptStatus;
	finish_reason: string | null;
	started_at: Date | null;
	deadline_at: Date | null;
	finished_at: Date | null;
	extended_seconds: number;
	client_id: string | null;
	ip: string | null;
	user_agent: string | null;
	score: string | null;
	passed: boolean | null;
	result: unknown;
	flags: unknown;
	decision: string | null;
	decision_reason: string | null;
	decided_at: Date | null;
	created_at: Date;
};

export async function findAttempt(db: Db, attemptId: number): Promise<AttemptRow | undefined> {
	return db.selectFrom('exam_attempts').selectAll().where('id', '=', attemptId).executeTakeFirst();
}

export async function lockAttempt(db: Db, attemptId: number): Promise<AttemptRow | undefined> {
	return db.selectFrom('exam_attempts').selectAll().where('id', '=', attemptId).forUpdate().executeTakeFirst();
}

/** What an answer request needs, in one read: the attempt, its clock, and the slots it names. */
export type SyncContext = {
	id: number;
	mode: 'exam' | 'practice';
	person_id: number;
	status: AttemptStatus;
	deadline_at: Date | null;
	client_id: string | null;
	ip: string | null;
	user_agent: string | null;
	session_id: number | null;
	slots: Record<string, StoredSlot | null>;
	warnings: { id: number; message: string; at: string }[] | null;
};

export async function readSyncContext(db: Db, attemptId: number, slotNumbers: readonly number[]): Promise<SyncContext | undefined> {
	const { rows } = await sql<SyncContext>`
		select a.id, a.mode, a.person_id, a.status, a.deadline_at, a.client_id, a.ip, a.user_agent, a.session_id,
			coalesce((select jsonb_object_agg(s::text, p.slots -> (s - 1)) from unnest(${[...slotNumbers]}::int[]) s), '{}'::jsonb) as slots,
			(select json_agg(json_build_object('id', w.id, 'message', w.message, 'at', w.at) order by w.at)
				from exam_actions w where w.attempt_id = a.id and w.kind = 'warn' and w.acknowledged_at is null) as warnings
		from exam_attempts a join exam_papers p on p.id = a.paper_id
		where a.id = ${attemptId}`.execute(db);
	const row = rows[0];
	if (!row) return undefined;
	// The slot's number is part of what was stored; a slot beyond the paper reads as null.
	for (const [n, slot] of Object.entries(row.slots)) if (slot && slot.slot !== Number(n)) row.slots[n] = null;
	return row;
}

/**
 * Starts the candidate's prepared ('ready') attempt and logs its 'started' event, in one statement;
 * null when none is waiting. The only place an attempt goes from ready to in progress (the exam-day
 * quick path and the transaction's fallback both call it); a prepared statement on a pg pool.
 */
export async function startPreparedAttempt(db: Db, input: { candidateId: number; now: Date; deadline: Date; client: { clientId: string; ip: string | null; userAgent: string | null } }): Promise<number | null> {
	const detail = JSON.stringify({ ip: input.client.ip, deadline: input.deadline.toISOString() });
	const rows = await runPrepared(
		db,
		'attempt_start',
		sql<{ id: number }>`
		with u as (
			update exam_attempts
			set status = 'in_progress', started_at = ${input.now}, deadline_at = ${input.deadline},
				client_id = ${input.client.clientId}, ip = ${input.client.ip}, user_agent = ${input.client.userAgent}
			where candidate_id = ${input.candidateId} and status = 'ready'
			returning id
		),
		ev as (
			insert into exam_events (attempt_id, at, source, kind, detail)
			select u.id, ${input.now}, 'server', 'started', ${detail}::jsonb from u
		)
		select id from u`
	);
	return rows[0]?.id ?? null;
}

/**
 * GB 11643 validity of `p.id_number` in SQL, the same rule as checkIdNumber (identifiers.ts):
 * 18 characters, 17 digits and a digit or X, a birth date that exists (year ≥ 1900), the check
 * character. A CASE so the date is only built from a well-formed number. The eligibility spec
 * compares it with checkIdNumber on valid and invalid numbers.
 */
export const VALID_ID_NUMBER_SQL = sql<boolean>`(case
	when p.id_number !~ '^[0-9]{17}[0-9X]$' then false
	when substr(p.id_number, 7, 4)::int < 1900 then false
	when substr(p.id_number, 11, 2)::int not between 1 and 12 then false
	when substr(p.id_number, 13, 2)::int < 1
		or substr(p.id_number, 13, 2)::int > extract(day from make_date(substr(p.id_number, 7, 4)::int, substr(p.id_number, 11, 2)::int, 1) + interval '1 month' - interval '1 day')::int then false
	else substr('10X98765432'::text, (1 + (select sum(substr(p.id_number, w.i::int, 1)::int * w.weight) from unnest(array[7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]) with ordinality as w(weight, i)) % 11)::int, 1) = substr(p.id_number, 18, 1)
end)`;

/** The start rules on the candidate's record (course completed, not passed yet, attempts left): the same text in the single and the batch statement. */
const START_HISTORY_RULES = `(s.course_id is null or exists (
		select 1 from enrolments e
		where e.course_id = s.course_id and e.person_id = c.person_id and e.status = 'active' and e.completed_at is not null))
	and not exists (
		select 1 from exam_attempts x
		where x.candidate_id = c.id and x.status = 'finished' and x.decision is distinct from 'voided' and x.passed is true)
	and (s.max_attempts is null or s.max_attempts > (
		select count(*) from exam_attempts x
		where x.candidate_id = c.id and x.status = 'finished' and x.decision is distinct from 'voided'))`;

export type EligibleStart = { sessionId: number; personId: number; accessCodeUpper: string; hasPhoto: boolean; now: Date; client: { clientId: string; ip: string | null; userAgent: string | null } };

/**
 * The exam-day start in ONE statement: the candidate's prepared attempt starts (with its 'started'
 * event) only when every rule of checkEligibility holds in the database as it is now — on the
 * roster, session not cancelled, inside its window, person active with a valid 身份证号, 现场核验
 * done if required, the session's course completed, not passed yet and attempts left, the 考场口令
 * (`accessCodeUpper` is the given code trimmed and upper-cased by the caller; only printable ASCII
 * codes are compared here), an identity photo when the session requires the webcam. The deadline is
 * computeDeadline's min(start + duration, close). Null when anything differs: the caller then takes
 * the full path, which gives the exact reasons. A prepared statement on a pg pool.
 */
export async function startEligibleAttempt(db: Db, input: EligibleStart): Promise<number | null> {
	// On a pg pool, starts that arrive together go to PostgreSQL together (startBatcherFor below).
	if (isPoolRoot(db) && process.env.ANXUN_START_BATCH !== '0') return startBatcherFor(db).run(input);
	return startEligibleAttemptOne(db, input);
}

async function startEligibleAttemptOne(db: Db, input: EligibleStart): Promise<number | null> {
	const rows = await runPrepared(
		db,
		'attempt_start_eligible',
		sql<{ id: number }>`
		with ok as (
			select c.id as candidate_id,
				least(${input.now}::timestamptz + (b.definition->>'durationMinutes')::int * interval '1 minute', s.closes_at) as deadline
			from exam_sessions s
			join exam_blueprints b on b.id = s.blueprint_id
			join exam_candidates c on c.session_id = s.id and c.person_id = ${input.personId}
			join persons p on p.id = c.person_id
			where s.id = ${input.sessionId}
				and s.status <> 'cancelled'
				and s.opens_at <= ${input.now}::timestamptz and ${input.now}::timestamptz < s.closes_at
				and p.active
				and ${VALID_ID_NUMBER_SQL}
				and (not s.require_id_check or c.id_checked_at is not null)
				and (not s.require_webcam or ${input.hasPhoto}::boolean)
				and (coalesce(s.access_code, '') = '' or (s.access_code ~ '^[!-~]+$' and upper(s.access_code) = ${input.accessCodeUpper}::text))
				and ${sql.raw(START_HISTORY_RULES)}
		),
		u as (
			update exam_attempts a
			set status = 'in_progress', started_at = ${input.now}, deadline_at = ok.deadline,
				client_id = ${input.client.clientId}, ip = ${input.client.ip}, user_agent = ${input.client.userAgent}
			from ok
			where a.candidate_id = ok.candidate_id and a.status = 'ready'
			returning a.id, ok.deadline
		),
		ev as (
			insert into exam_events (attempt_id, at, source, kind, detail)
			select u.id, ${input.now}, 'server', 'started',
				jsonb_build_object('ip', ${input.client.ip}::text, 'deadline', to_char(u.deadline at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
			from u
		)
		select id from u`
	);
	return rows[0]?.id ?? null;
}

/**
 * The same start for many candidates in ONE statement: each row of the unnest is one request (its own
 * session, person, 口令, photo, clock and browser), checked by exactly the rules of the single statement
 * above; the rows that pass start their prepared attempt and get their 'started' event. Returns the
 * started attempt per request (`ord`, 1-based). A candidate twice in one batch (a double click) starts
 * once: UPDATE … FROM takes one of the two rows, the other request finds no row and takes the full path,
 * which resumes the attempt. $1 session ids, $2 person ids, $3 口令 (upper-cased), $4 photo given,
 * $5 clocks, $6 browser ids, $7 IPs, $8 user agents.
 */
const startBatchText = (validIdNumber: string) => `
	with r as (
		select * from unnest($1::int[], $2::int[], $3::text[], $4::boolean[], $5::timestamptz[], $6::text[], $7::text[], $8::text[])
			with ordinality as r(session_id, person_id, code, has_photo, now, client_id, ip, user_agent, ord)
	),
	ok as (
		select r.ord, r.now, r.client_id, r.ip, r.user_agent, c.id as candidate_id,
			least(r.now + (b.definition->>'durationMinutes')::int * interval '1 minute', s.closes_at) as deadline
		from r
		join exam_sessions s on s.id = r.session_id
		join exam_blueprints b on b.id = s.blueprint_id
		join exam_candidates c on c.session_id = s.id and c.person_id = r.person_id
		join persons p on p.id = c.person_id
		where s.status <> 'cancelled'
			and s.opens_at <= r.now and r.now < s.closes_at
			and p.active
			and ${validIdNumber}
			and (not s.require_id_check or c.id_checked_at is not null)
			and (not s.require_webcam or r.has_photo)
			and (coalesce(s.access_code, '') = '' or (s.access_code ~ '^[!-~]+$' and upper(s.access_code) = r.code))
			and ${START_HISTORY_RULES}
	),
	u as (
		update exam_attempts a
		set status = 'in_progress', started_at = ok.now, deadline_at = ok.deadline,
			client_id = ok.client_id, ip = ok.ip, user_agent = ok.user_agent
		from ok
		where a.candidate_id = ok.candidate_id and a.status = 'ready'
		returning a.id, ok.ord, ok.now, ok.ip, ok.deadline
	),
	ev as (
		insert into exam_events (attempt_id, at, source, kind, detail)
		select u.id, u.now, 'server', 'started',
			jsonb_build_object('ip', u.ip, 'deadline', to_char(u.deadline at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
		from u
	)
	select id, ord from u`;

/**
 * 开始考试 with group commit (db/turn-batcher.ts): starts that arrive while this process has two start
 * statements running go to PostgreSQL together, up to 50 in one statement and one commit. Measured
 * without HTTP, PostgreSQL CPU per start: 0.53–0.74 ms one by one, 0.08–0.09 ms in statements of 25
 * (PERFORMANCE.md, sixth session of 2026-12-07). ANXUN_START_BATCH=0 turns it off.
 */
const startBatcherFor = batcherPerHandle((db: Db) =>
	new TurnBatcher<EligibleStart, number | null>({
		max: 50,
		inFlight: 2,
		one: (input) => startEligibleAttemptOne(db, input),
		many: async (inputs) => {
			const ids = await startBatch(db, inputs);
			return inputs.map((_, i) => ids.get(i + 1) ?? null);
		}
	})
);

let startBatchSql: string | null = null;

/** Starts many candidates' prepared attempts in one statement (see startBatchText); attempt id by 1-based request index. */
export async function startBatch(db: Db, inputs: readonly EligibleStart[]): Promise<Map<number, number>> {
	startBatchSql ??= startBatchText(VALID_ID_NUMBER_SQL.compile(db).sql);
	const rows = await runPreparedText<{ id: number; ord: string | number }>(db, 'attempt_start_batch', startBatchSql, [
		inputs.map((i) => i.sessionId),
		inputs.map((i) => i.personId),
		inputs.map((i) => i.accessCodeUpper),
		inputs.map((i) => i.hasPhoto),
		inputs.map((i) => i.now),
		inputs.map((i) => i.client.clientId),
		inputs.map((i) => i.client.ip),
		inputs.map((i) => i.client.userAgent)
	]);
	return new Map(rows.map((r) => [Number(r.ord), r.id]));
}

/** The candidate's attempt in progress, if any (at most one: the exam_attempts_open index). */
export async function findInProgressAttemptId(db: Db, candidateId: number): Promise<number | null> {
	const row = await db.selectFrom('exam_attempts').select('id').where('candidate_id', '=', candidateId).where('status', '=', 'in_progress').executeTakeFirst();
	return row?.id ?? null;
}

/** A new attempt in progress on a freshly drawn paper; null when the candidate already has an open one. */
export async function insertExamAttempt(
	db: Db,
	input: { sessionId: number; candidateId: number; personId: number; paperId: number; attemptNo: number; now: Date; deadline: Date; client: { clientId: string; ip: string | null; userAgent: string | null } }
): Promise<number | null> {
	const row = await db
		.insertInto('exam_attempts')
		.values({
			mode: 'exam',
			session_id: input.sessionId,
			candidate_id: input.candidateId,
			person_id: input.personId,
			paper_id: input.paperId,
			attempt_no: input.attemptNo,
			status: 'in_progress',
			started_at: input.now,
			deadline_at: input.deadline,
			client_id: input.client.clientId,
			ip: input.client.ip,
			user_agent: input.client.userAgent,
			created_at: input.now
		})
		.onConflict((oc) => oc.column('candidate_id').where('status', 'in', ['ready', 'in_progress']).doNothing())
		.returning('id')
		.executeTakeFirst();
	return row?.id ?? null;
}

/** What an autosave checks an answer against: the slot's question type and its option letters in display order. */
export type SlotShape = { readonly type: StoredSlot['type']; readonly optionOrder: readonly string[] };

/**
 * What never changes about an attempt: whose it is, its mode and its paper. `slots` holds only what
 * validating an answer needs, indexed by slot number; the whole slots (question versions and points)
 * are kept for practice attempts alone, whose every answer is graded at once.
 */
export type AttemptShape = {
	personId: number;
	mode: 'exam' | 'practice';
	paperId: number;
	slots: readonly (SlotShape | undefined)[];
	paperSlots: ReadonlyMap<number, StoredSlot> | null;
};

// Attempts' owners and papers never change once written, so caching them is safe on any number of
// instances (no state that matters lives here); it saves a read on every autosave. One cache per
// database handle: ids are only unique within a database. Slot shapes are shared between attempts
// (a few dozen distinct ones: type × option order), so 20,000 cached exam attempts of 100 questions
// take about 20 MB, not the 300 MB that whole slots took.
const SHAPE_CACHE_MAX = 20_000;
const shapeCaches = new WeakMap<Db, Map<number, AttemptShape>>();
const slotShapes = new Map<string, SlotShape>();

function slotShape(type: StoredSlot['type'], optionOrder: readonly string[]): SlotShape {
	const key = `${type}:${optionOrder.join(',')}`;
	let shape = slotShapes.get(key);
	if (!shape) {
		shape = Object.freeze({ type, optionOrder: Object.freeze([...optionOrder]) });
		if (slotShapes.size < 10_000) slotShapes.set(key, shape);
	}
	return shape;
}

type ShapeRow = {
	person_id: number;
	mode: 'exam' | 'practice';
	paper_id: number;
	/** [slot, type, optionOrder] per slot: what validating an answer needs, a third of the slots' JSON. */
	compact: [number, StoredSlot['type'], string[]][];
	/** The whole slots, for practice attempts only. */
	slots: StoredSlot[] | null;
};

// One fixed text, a prepared statement on PostgreSQL (read once per attempt per process).
const SHAPE_SQL = `
	select a.person_id, a.mode, a.paper_id,
		(select coalesce(jsonb_agg(jsonb_build_array(e->'slot', e->'type', e->'optionOrder')), '[]'::jsonb) from jsonb_array_elements(p.slots) e) as compact,
		case when a.mode = 'practice' then p.slots end as slots
	from exam_attempts a
	join exam_papers p on p.id = a.paper_id
	where a.id = $1`;

export async function loadAttemptShape(db: Db, attemptId: number): Promise<AttemptShape | undefined> {
	let shapeCache = shapeCaches.get(db);
	if (!shapeCache) {
		shapeCache = new Map();
		shapeCaches.set(db, shapeCache);
	}
	const cached = shapeCache.get(attemptId);
	if (cached) return cached;
	const [row] = await runPreparedText<ShapeRow>(db, 'attempt_shape', SHAPE_SQL, [attemptId]);
	if (!row) return undefined;
	const slots: (SlotShape | undefined)[] = [];
	for (const [n, type, optionOrder] of row.compact) if (Number.isInteger(n) && n >= 0 && n <= 10_000) slots[n] = slotShape(type, optionOrder);
	const shape: AttemptShape = {
		personId: row.person_id,
		mode: row.mode,
		paperId: row.paper_id,
		slots,
		paperSlots: row.slots ? new Map(row.slots.map((s) => [s.slot, s])) : null
	};
	if (shapeCache.size >= SHAPE_CACHE_MAX) shapeCache.delete(shapeCache.keys().next().value as number);
	shapeCache.set(attemptId, shape);
	return shape;
}

export type SyncWriteResult = {
	status: AttemptStatus;
	deadline_at: Date | null;
	client_id: string | null;
	ip: string | null;
	user_agent: string | null;
	open: boolean;
	written: number[];
	warnings: { id: number; message: string; at: string }[] | null;
};

/**
 * The whole autosave in one statement: lock the attempt FOR SHARE, and only if it is in progress,
 * within deadline + grace and held by this browser, write the answer steps and events and
 * acknowledge warnings; return the attempt's state and the warnings still open. A concurrent finish
 * (an UPDATE) waits for this statement, and this statement re-checks the status after it: an answer
 * is either in before the finish or refused, never half in. A repeated seq is skipped.
 */
/** $1 attempt id, $2 grace seconds, $3 now, $4 client id, $5 events (jsonb), $6 steps (jsonb), $7 warnings acknowledged (int[]). */
const SYNC_SQL = `
	with a as (
		select id, status, deadline_at, client_id, ip, user_agent, started_at from exam_attempts where id = $1 for share
	),
	ok as (
		select id, started_at from a
		where status = 'in_progress'
			and (deadline_at is null or deadline_at + make_interval(secs => $2) >= $3)
			and (client_id is null or client_id = $4)
	),
	ev as (
		insert into exam_events (attempt_id, at, source, kind, detail)
		select ok.id, e.at, e.source, e.kind, e.detail
		from ok, jsonb_to_recordset($5::jsonb) as e(at timestamptz, source text, kind text, detail jsonb)
	),
	ins as (
		insert into exam_answer_steps (attempt_id, seq, slot, response, client_at, received_at, attempt_started_at)
		select ok.id, s.seq, s.slot, s.response, s.client_at, $3, ok.started_at
		from ok, jsonb_to_recordset($6::jsonb) as s(seq int, slot int, response jsonb, client_at timestamptz)
		-- the partition key is fixed per attempt (migration 031): a retried seq meets its first copy
		on conflict (attempt_id, seq, attempt_started_at) do nothing
		returning seq
	),
	acked as (
		update exam_actions set acknowledged_at = $3
		where attempt_id in (select id from ok) and id = any($7::int[]) and acknowledged_at is null
		returning id
	)
	select a.status, a.deadline_at, a.client_id, a.ip, a.user_agent,
		exists (select 1 from ok) as open,
		coalesce((select json_agg(seq order by seq) from ins), '[]'::json) as written,
		(select json_agg(json_build_object('id', w.id, 'message', w.message, 'at', w.at) order by w.at)
			from exam_actions w
			where w.attempt_id = a.id and w.kind = 'warn' and w.acknowledged_at is null and not (w.id = any($7::int[]))) as warnings
	from a`;

/**
 * The autosave's write. On a pg pool, autosaves that arrive together go to PostgreSQL together
 * (syncBatcherFor below); alone, or in a transaction, or on PGlite: SYNC_SQL.
 */
export async function writeSync(db: Db, input: SyncWriteInput): Promise<SyncWriteResult | undefined> {
	// null: left out of its batch (its attempt locked at that instant): alone, waiting for the lock
	if (isPoolRoot(db) && process.env.ANXUN_SYNC_BATCH !== '0') return (await syncBatcherFor(db).run(input)) ?? writeSyncOne(db, input);
	return writeSyncOne(db, input);
}

const stepsJson = (steps: readonly StepInput[]) => steps.map((s) => ({ seq: s.seq, slot: s.slot, response: s.response, client_at: s.clientAt?.toISOString() ?? null }));
const eventsJson = (events: readonly EventInput[]) => events.map((e) => ({ at: e.at.toISOString(), source: e.source, kind: e.kind, detail: e.detail ?? {} }));

async function writeSyncOne(db: Db, input: SyncWriteInput): Promise<SyncWriteResult | undefined> {
	// one fixed text (no per-request query compilation), a prepared statement on a pg pool (parsed and
	// planned once per connection)
	const rows = await runPreparedText<SyncWriteResult>(db, 'attempt_sync', SYNC_SQL, [
		input.attemptId,
		input.graceSeconds,
		input.now,
		input.clientId,
		JSON.stringify(eventsJson(input.events)),
		JSON.stringify(stepsJson(input.steps)),
		[...input.acknowledge]
	]);
	return rows[0];
}

export type SyncWriteInput = { attemptId: number; clientId: string; steps: readonly StepInput[]; events: readonly EventInput[]; acknowledge: readonly number[]; now: Date; graceSeconds: number };

/**
 * The same autosave for many attempts in ONE statement (group commit, below): each element of $2 is
 * one request (its attempt, browser, clock, grace, steps, events and warnings acknowledged), checked
 * and written by exactly the rules of SYNC_SQL. Differences, each on the safe side:
 * - the attempts are locked FOR SHARE SKIP LOCKED: an attempt a finish, a proctor or a start holds
 *   at this instant is left out, and its request goes through SYNC_SQL alone, which waits for the lock
 *   and re-checks — so a batch never waits on one attempt's lock, and "in before the finish or
 *   refused" holds per request as in the single statement;
 * - a step named twice in one batch (the same attempt and seq from two requests: a retry, another
 *   tab) is written from the first request only; the other request finds it not written and is
 *   answered as the single statement answers a retry (same answer: saved; another: a clash).
 * Rows come back per request (`ord`, 1-based); a request with no row was left out.
 */
/** $1 attempt ids (int[], the rows to lock), $2 the requests (jsonb array of {ord, attempt_id, client_id, now, grace, steps, events, acks}). */
const SYNC_BATCH_SQL = `
	with a as (
		select id, status, deadline_at, client_id, ip, user_agent, started_at from exam_attempts where id = any($1::int[]) for share skip locked
	),
	r as (
		select * from jsonb_to_recordset($2::jsonb)
			as r(ord int, attempt_id int, client_id text, now timestamptz, grace int, steps jsonb, events jsonb, acks jsonb)
	),
	ok as (
		select r.ord, a.id, a.started_at, r.now, r.steps, r.events, r.acks
		from r join a on a.id = r.attempt_id
		where a.status = 'in_progress'
			and (a.deadline_at is null or a.deadline_at + make_interval(secs => r.grace) >= r.now)
			and (a.client_id is null or a.client_id = r.client_id)
	),
	ev as (
		insert into exam_events (attempt_id, at, source, kind, detail)
		select ok.id, e.at, e.source, e.kind, e.detail
		from ok, jsonb_to_recordset(ok.events) as e(at timestamptz, source text, kind text, detail jsonb)
	),
	step as (
		select distinct on (ok.id, s.seq) ok.ord, ok.id, s.seq, s.slot, s.response, s.client_at, ok.now, ok.started_at
		from ok, jsonb_to_recordset(ok.steps) as s(seq int, slot int, response jsonb, client_at timestamptz)
		order by ok.id, s.seq, ok.ord
	),
	ins as (
		insert into exam_answer_steps (attempt_id, seq, slot, response, client_at, received_at, attempt_started_at)
		select id, seq, slot, response, client_at, now, started_at from step
		on conflict (attempt_id, seq, attempt_started_at) do nothing
		returning attempt_id, seq
	),
	acks as (
		select distinct ok.id as attempt_id, ok.now, x.action_id::int as action_id
		from ok, jsonb_array_elements_text(ok.acks) as x(action_id)
	),
	acked as (
		update exam_actions w set acknowledged_at = acks.now
		from acks
		where w.attempt_id = acks.attempt_id and w.id = acks.action_id and w.acknowledged_at is null
		returning w.id
	)
	select r.ord, a.status, a.deadline_at, a.client_id, a.ip, a.user_agent,
		exists (select 1 from ok where ok.ord = r.ord) as open,
		coalesce((select json_agg(step.seq order by step.seq) from step join ins on ins.attempt_id = step.id and ins.seq = step.seq where step.ord = r.ord), '[]'::json) as written,
		(select json_agg(json_build_object('id', w.id, 'message', w.message, 'at', w.at) order by w.at)
			from exam_actions w
			where w.attempt_id = a.id and w.kind = 'warn' and w.acknowledged_at is null
				and not (w.id in (select x.action_id::int from jsonb_array_elements_text(r.acks) as x(action_id)))) as warnings
	from r join a on a.id = r.attempt_id`;

/**
 * Autosaves of many attempts in one statement (see SYNC_BATCH_SQL); the result per request, in the
 * order of `inputs`, or `null` for a request left out (its attempt was locked at that instant, or does
 * not exist), which the caller writes with SYNC_SQL alone.
 */
async function syncBatchRows(db: Db, inputs: readonly SyncWriteInput[]): Promise<(SyncWriteResult | null)[]> {
	const requests = inputs.map((i, n) => ({
		ord: n + 1,
		attempt_id: i.attemptId,
		client_id: i.clientId,
		now: i.now.toISOString(),
		grace: i.graceSeconds,
		steps: stepsJson(i.steps),
		events: eventsJson(i.events),
		acks: [...i.acknowledge]
	}));
	const rows = await runPreparedText<SyncWriteResult & { ord: number }>(db, 'attempt_sync_batch', SYNC_BATCH_SQL, [
		[...new Set(inputs.map((i) => i.attemptId))],
		JSON.stringify(requests)
	]);
	const byOrd = new Map(rows.map(({ ord, ...row }) => [Number(ord), row]));
	return inputs.map((_, n) => byOrd.get(n + 1) ?? null);
}

/** Autosaves of many attempts: one statement, then SYNC_SQL alone for each request left out of it. */
export async function writeSyncBatch(db: Db, inputs: readonly SyncWriteInput[]): Promise<(SyncWriteResult | undefined)[]> {
	const rows = await syncBatchRows(db, inputs);
	return Promise.all(inputs.map((input, n) => rows[n] ?? writeSyncOne(db, input)));
}

/**
 * 自动保存 with group commit (db/turn-batcher.ts): autosaves that arrive while this process has two
 * autosave statements running go to PostgreSQL together, up to 100 in one statement and one commit.
 * A request left out of its batch is written alone afterwards, outside the batcher: the batcher
 * retries a failed batch one by one, which is right only for a statement that failed as a whole —
 * never for requests whose batch-mates' events are already committed.
 * ANXUN_SYNC_BATCH=0 turns it off.
 */
const syncBatcherFor = batcherPerHandle((db: Db) =>
	new TurnBatcher<SyncWriteInput, SyncWriteResult | undefined | null>({
		max: 100,
		inFlight: 2,
		one: (input) => writeSyncOne(db, input),
		many: (inputs) => syncBatchRows(db, inputs)
	})
);

export type StepInput = { seq: number; slot: number; response: QuestionResponse | null; clientAt: Date | null };
export type EventInput = { at: Date; source: 'client' | 'server' | 'examiner'; kind: string; detail?: Record<string, unknown> };

export async function insertEvents(db: Db, attemptId: number, events: readonly EventInput[]): Promise<void> {
	if (!events.length) return;
	await db
		.insertInto('exam_events')
		.values(events.map((e) => ({ attempt_id: attemptId, at: e.at, source: e.source, kind: e.kind, detail: JSON.stringify(e.detail ?? {}) })))
		.execute();
}

export async function findSteps(db: Db, attemptId: number, seqs: readonly number[]) {
	if (!seqs.length) return [];
	return db.selectFrom('exam_answer_steps').select(['seq', 'slot', 'response']).where('attempt_id', '=', attemptId).where('seq', 'in', [...seqs]).execute();
}

/** The current answer per slot: the newest step (highest seq). */
export async function currentAnswers(db: Db, attemptId: number): Promise<Map<number, { response: QuestionResponse | null; seq: number; at: Date }>> {
	const { rows } = await sql<{ slot: number; seq: number; response: QuestionResponse | null; received_at: Date }>`
		select distinct on (slot) slot, seq, response, received_at from exam_answer_steps
		where attempt_id = ${attemptId} order by slot, seq desc`.execute(db);
	return new Map(rows.map((r) => [r.slot, { response: r.response, seq: r.seq, at: r.received_at }]));
}

export async function maxSeq(db: Db, attemptId: number): Promise<number> {
	const row = await db.selectFrom('exam_answer_steps').select((eb) => eb.fn.max('seq').as('m')).where('attempt_id', '=', attemptId).executeTakeFirst();
	return Number(row?.m ?? 0);
}

export async function updateAttemptConnection(db: Db, attemptId: number, set: { client_id?: string; ip?: string | null; user_agent?: string | null }): Promise<void> {
	if (!Object.keys(set).length) return;
	await db.updateTable('exam_attempts').set(set).where('id', '=', attemptId).execute();
}

/** Marks an in-progress attempt finished; null when it was not in progress (someone else finished it). */
export async function markFinished(db: Db, attemptId: number, reason: 'submitted' | 'deadline' | 'terminated', finishedAt: Date): Promise<boolean> {
	const r = await db
		.updateTable('exam_attempts')
		.set({ status: 'finished', finish_reason: reason, finished_at: finishedAt })
		.where('id', '=', attemptId)
		.where('status', '=', 'in_progress')
		.executeTakeFirst();
	return Number(r.numUpdatedRows) === 1;
}

export async function listExpiredAttemptIds(db: Db, now: Date, graceSeconds: number, limit: number): Promise<number[]> {
	const rows = await db
		.selectFrom('exam_attempts')
		.select('id')
		.where('status', '=', 'in_progress')
		.where('deadline_at', '<', new Date(now.getTime() - graceSeconds * 1000))
		.orderBy('deadline_at')
		.limit(limit)
		.execute();
	return rows.map((r) => r.id);
}

export async function listEvents(db: Db, attemptId: number) {
	return db.selectFrom('exam_events').select(['id', 'at', 'source', 'kind', 'detail']).where('attempt_id', '=', attemptId).orderBy('at').orderBy('id').execute();
}
