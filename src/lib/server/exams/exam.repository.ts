import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Question } from '../../question-bank/schema.ts';
import type { PoolItem } from '../question-engine/blueprint.ts';
import type { QuestionResponse } from '../question-engine/grading.ts';
import type { AttemptStatus, StoredSlot } from './attempt.ts';

// All SQL of the exam activity: papers, attempts, answer steps and proctoring events.

/** Options that refer to each other ("以上都对") must keep their order. */
const REFERS_TO_OTHERS = /以上|上述|前述|都不对|都对|均不|均正确/;

/** Active, reviewed questions of the banks at their current versions: what the engine may draw from. */
export async function loadPool(db: Db, bankIds: readonly number[]): Promise<PoolItem[]> {
	if (!bankIds.length) return [];
	const rows = await db
		.selectFrom('qb_questions as q')
		.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'))
		.select(['q.id', 'q.current_version', 'q.type', 'q.knowledge_code', 'q.difficulty', sql<Record<string, string> | null>`v.content->'options'`.as('options')])
		.where('q.bank_id', 'in', [...bankIds])
		.where('q.status', '=', 'active')
		.where('q.review_status', '=', 'ok')
		.execute();
	return rows.map((r) => {
		const options = r.options ?? {};
		return {
			questionId: String(r.id),
			version: r.current_version,
			type: r.type as PoolItem['type'],
			knowledge: r.knowledge_code,
			difficulty: r.difficulty,
			optionKeys: Object.keys(options).sort(),
			keepOptionOrder: Object.values(options).some((text) => REFERS_TO_OTHERS.test(text))
		};
	});
}

/** Question contents at pinned versions, keyed `${id}@${version}`. */
export async function loadQuestionVersions(db: Db, slots: readonly Pick<StoredSlot, 'questionId' | 'version'>[]): Promise<Map<string, Question>> {
	if (!slots.length) return new Map();
	const ids = slots.map((s) => Number(s.questionId));
	const versions = slots.map((s) => s.version);
	const { rows } = await sql<{ question_id: number; version: number; content: Question }>`
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

export async function getPaperSlots(db: Db, paperId: number): Promise<StoredSlot[]> {
	const row = await db.selectFrom('exam_papers').select('slots').where('id', '=', paperId).executeTakeFirstOrThrow();
	return row.slots as StoredSlot[];
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
	return (await db.selectFrom('exam_attempts').selectAll().where('id', '=', attemptId).executeTakeFirst()) as AttemptRow | undefined;
}

export async function lockAttempt(db: Db, attemptId: number): Promise<AttemptRow | undefined> {
	return (await db.selectFrom('exam_attempts').selectAll().where('id', '=', attemptId).forUpdate().executeTakeFirst()) as AttemptRow | undefined;
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

export type StepInput = { seq: number; slot: number; response: QuestionResponse | null; clientAt: Date | null };
export type EventInput = { at: Date; source: 'client' | 'server' | 'examiner'; kind: string; detail?: Record<string, unknown> };

/**
 * Writes answer steps and events in one statement, only while the attempt is in progress and
 * within its deadline + grace. FOR SHARE on the attempt makes a concurrent finish (an UPDATE)
 * wait for this statement, and this statement re-check the status after it: an answer is either
 * in before the finish or refused, never half in. Returns the seqs written (a repeated seq is skipped).
 */
export async function writeSteps(db: Db, attemptId: number, steps: readonly StepInput[], events: readonly EventInput[], now: Date, graceSeconds: number): Promise<{ open: boolean; written: number[] }> {
	const stepJson = JSON.stringify(steps.map((s) => ({ seq: s.seq, slot: s.slot, response: s.response, client_at: s.clientAt?.toISOString() ?? null })));
	const eventJson = JSON.stringify(events.map((e) => ({ at: e.at.toISOString(), source: e.source, kind: e.kind, detail: e.detail ?? {} })));
	const { rows } = await sql<{ open: boolean; seq: number | null }>`
		with a as (
			select id from exam_attempts
			where id = ${attemptId} and status = 'in_progress'
				and (deadline_at is null or deadline_at + make_interval(secs => ${graceSeconds}) >= ${now})
			for share
		),
		ev as (
			insert into exam_events (attempt_id, at, source, kind, detail)
			select a.id, e.at, e.source, e.kind, e.detail
			from a, jsonb_to_recordset(${eventJson}::jsonb) as e(at timestamptz, source text, kind text, detail jsonb)
		),
		ins as (
			insert into exam_answer_steps (attempt_id, seq, slot, response, client_at, received_at)
			select a.id, s.seq, s.slot, s.response, s.client_at, ${now}
			from a, jsonb_to_recordset(${stepJson}::jsonb) as s(seq int, slot int, response jsonb, client_at timestamptz)
			on conflict (attempt_id, seq) do nothing
			returning seq
		)
		select exists (select 1 from a) as open, ins.seq from (select 1) one left join ins on true`.execute(db);
	return { open: rows[0]?.open ?? false, written: rows.flatMap((r) => (r.seq === null ? [] : [r.seq])) };
}

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

export async function acknowledgeWarnings(db: Db, attemptId: number, ids: readonly number[], now: Date): Promise<void> {
	if (!ids.length) return;
	await db.updateTable('exam_actions').set({ acknowledged_at: now }).where('attempt_id', '=', attemptId).where('id', 'in', [...ids]).where('acknowledged_at', 'is', null).execute();
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
