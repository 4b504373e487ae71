// All SQL of the practical exam (实操): sheets, sessions an examiner works, attempts, score steps,
// sign-offs, corrections and evidence.
import { sql } from 'kysely';
import type { Db } from '#lib/server/db/index.ts';
import type { Tx } from '#lib/server/db/transaction.ts';
import { parseSheetDefinition, PRACTICAL_SHEETS, type SheetDefinition } from './practical-sheets.ts';
import { signoffRole, stepKind, type ScoreStep, type Signoff } from './practical-scoring.ts';

/** Seeds (idempotently) the scoring sheets; a changed sheet is a new version, never an edit. */
export async function upsertPracticalSheets(db: Db, now: Date): Promise<void> {
	for (const s of PRACTICAL_SHEETS) {
		await db
			.insertInto('practical_sheets')
			.values({ code: s.code, version: s.version, special_operation_code: s.specialOperationCode, title: s.title, definition: JSON.stringify(s.definition), sources: JSON.stringify(s.sources), created_at: now })
			.onConflict((oc) => oc.columns(['code', 'version']).doNothing())
			.execute();
	}
}

export async function getSheet(db: Db, code: string, version: number): Promise<{ code: string; version: number; title: string; definition: SheetDefinition } | undefined> {
	const row = await db.selectFrom('practical_sheets').select(['code', 'version', 'title', 'definition']).where('code', '=', code).where('version', '=', version).executeTakeFirst();
	if (!row) return undefined;
	return { code: row.code, version: row.version, title: row.title, definition: parseSheetDefinition(row.definition) };
}

export type ExaminerSessionRow = { id: number; name: string; opensAt: Date; closesAt: Date; item: string; centre: string; room: string; candidates: number; done: number };

/** Practical sessions of the institution overlapping [from, to); with a userId, only those the examiner is assigned to. */
export async function listExaminerSessions(db: Db, userId: number | null, orgId: number, from: Date, to: Date): Promise<ExaminerSessionRow[]> {
	let q = db
		.selectFrom('practical_sessions as s')
		.innerJoin('exam_centre_rooms as r', 'r.id', 's.room_id')
		.innerJoin('exam_centres as c', 'c.id', 'r.centre_id')
		.innerJoin('special_operations as o', 'o.code', 's.special_operation_code')
		.select((eb) => [
			's.id',
			's.name',
			's.opens_at',
			's.closes_at',
			'o.item',
			'c.name as centre',
			'r.name as room',
			eb.selectFrom('practical_attempts as a').select(sql<number>`count(*)::int`.as('n')).whereRef('a.session_id', '=', 's.id').as('candidates'),
			eb.selectFrom('practical_attempts as a').select(sql<number>`count(*)::int`.as('n')).whereRef('a.session_id', '=', 's.id').where('a.status', '=', 'final').as('done')
		])
		.where('s.institution_org_id', '=', orgId)
		.where('s.status', '=', 'scheduled')
		.where('s.opens_at', '<', to)
		.where('s.closes_at', '>', from)
		.orderBy('s.opens_at');
	if (userId !== null) q = q.where((eb) => eb.exists(eb.selectFrom('practical_session_examiners as e').select('e.user_id').whereRef('e.session_id', '=', 's.id').where('e.user_id', '=', userId)));
	const rows = await q.execute();
	return rows.map((r) => ({ id: r.id, name: r.name, opensAt: new Date(r.opens_at), closesAt: new Date(r.closes_at), item: r.item, centre: r.centre, room: r.room, candidates: Number(r.candidates ?? 0), done: Number(r.done ?? 0) }));
}

export type PracticalSessionRow = { id: number; orgId: number; name: string; specialOperationCode: string; sheetCode: string; sheetVersion: number; opensAt: Date; closesAt: Date; status: string; centre: string; room: string; item: string };

export async function findPracticalSession(db: Db, sessionId: number): Promise<PracticalSessionRow | undefined> {
	const r = await db
		.selectFrom('practical_sessions as s')
		.innerJoin('exam_centre_rooms as r', 'r.id', 's.room_id')
		.innerJoin('exam_centres as c', 'c.id', 'r.centre_id')
		.innerJoin('special_operations as o', 'o.code', 's.special_operation_code')
		.select(['s.id', 's.institution_org_id', 's.name', 's.special_operation_code', 's.sheet_code', 's.sheet_version', 's.opens_at', 's.closes_at', 's.status', 'c.name as centre', 'r.name as room', 'o.item'])
		.where('s.id', '=', sessionId)
		.executeTakeFirst();
	if (!r) return undefined;
	return {
		id: r.id,
		orgId: r.institution_org_id,
		name: r.name,
		specialOperationCode: r.special_operation_code,
		sheetCode: r.sheet_code,
		sheetVersion: r.sheet_version,
		opensAt: new Date(r.opens_at),
		closesAt: new Date(r.closes_at),
		status: r.status,
		centre: r.centre,
		room: r.room,
		item: r.item
	};
}

export async function isPracticalExaminer(db: Db, sessionId: number, userId: number): Promise<boolean> {
	const row = await db.selectFrom('practical_session_examiners').select('user_id').where('session_id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
	return !!row;
}

/** Whether the user teaches (taught) the cohort of the application (教考分离). */
export async function taughtApplicant(db: Db, applicationId: number, userId: number): Promise<boolean> {
	const row = await db
		.selectFrom('so_applications as a')
		.innerJoin('training_cohort_teachers as t', 't.cohort_id', 'a.cohort_id')
		.select('t.user_id')
		.where('a.id', '=', applicationId)
		.where('t.user_id', '=', userId)
		.executeTakeFirst();
	return !!row;
}

export type AttemptRow = {
	id: number;
	sessionId: number;
	applicationId: number;
	personId: number;
	personName: string;
	idNumber: string;
	stationNo: number;
	attemptNo: number;
	status: string;
	photoFileId: number | null;
	identityCheckedAt: Date | null;
	startedAt: Date | null;
	score: number | null;
	veto: boolean | null;
	passed: boolean | null;
	finalisedAt: Date | null;
	publishedAt: Date | null;
};

function attemptQuery(db: Db) {
	return db
		.selectFrom('practical_attempts as a')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.innerJoin('so_applications as ap', 'ap.id', 'a.application_id')
		.select([
			'a.id',
			'a.session_id',
			'a.application_id',
			'a.person_id',
			'p.name',
			'p.id_number',
			'a.station_no',
			'a.attempt_no',
			'a.status',
			'ap.photo_file_id',
			'a.identity_checked_at',
			'a.started_at',
			'a.score',
			'a.veto',
			'a.passed',
			'a.finalised_at',
			'a.published_at'
		]);
}

type RawAttempt = Awaited<ReturnType<ReturnType<typeof attemptQuery>['executeTakeFirstOrThrow']>>;
function toAttempt(r: RawAttempt): AttemptRow {
	const d = (v: Date | string | null) => (v ? new Date(v) : null);
	return {
		id: r.id,
		sessionId: r.session_id,
		applicationId: r.application_id,
		personId: r.person_id,
		personName: r.name,
		idNumber: r.id_number,
		stationNo: r.station_no,
		attemptNo: r.attempt_no,
		status: r.status,
		photoFileId: r.photo_file_id,
		identityCheckedAt: d(r.identity_checked_at),
		startedAt: d(r.started_at),
		score: r.score === null ? null : Number(r.score),
		veto: r.veto,
		passed: r.passed,
		finalisedAt: d(r.finalised_at),
		publishedAt: d(r.published_at)
	};
}

export async function listSessionAttempts(db: Db, sessionId: number): Promise<AttemptRow[]> {
	return (await attemptQuery(db).where('a.session_id', '=', sessionId).orderBy('a.station_no').execute()).map(toAttempt);
}

export async function findAttempt(db: Db, attemptId: number): Promise<AttemptRow | undefined> {
	const r = await attemptQuery(db).where('a.id', '=', attemptId).executeTakeFirst();
	return r ? toAttempt(r) : undefined;
}

/** Locks the attempt row (start, ticks, sign-offs, corrections and evidence of one attempt are serialised), then reads it. */
export async function lockAttempt(tx: Tx, attemptId: number): Promise<AttemptRow | undefined> {
	await tx.selectFrom('practical_attempts').select('id').where('id', '=', attemptId).forUpdate().executeTakeFirst();
	return findAttempt(tx, attemptId);
}

export async function findAttemptBySessionApplication(db: Db, sessionId: number, applicationId: number): Promise<AttemptRow | undefined> {
	const r = await attemptQuery(db).where('a.session_id', '=', sessionId).where('a.application_id', '=', applicationId).executeTakeFirst();
	return r ? toAttempt(r) : undefined;
}

/** Earlier practical attempts of the application that have a final result, with their dates. */
export async function listFinalAttemptsOfApplication(db: Db, applicationId: number, exceptAttemptId: number): Promise<{ finalisedAt: Date; passed: boolean }[]> {
	const rows = await db
		.selectFrom('practical_attempts')
		.select(['finalised_at', 'passed'])
		.where('application_id', '=', applicationId)
		.where('id', '!=', exceptAttemptId)
		.where('status', '=', 'final')
		.orderBy('finalised_at')
		.execute();
	return rows.map((r) => ({ finalisedAt: new Date(r.finalised_at!), passed: r.passed === true }));
}

export async function markStarted(db: Db, attemptId: number, userId: number, now: Date): Promise<void> {
	await db.updateTable('practical_attempts').set({ status: 'in_progress', identity_checked_by: userId, identity_checked_at: now, started_at: now }).where('id', '=', attemptId).execute();
}

export type StoredStep = ScoreStep & { examinerUserId: number; points: number | null; note: string | null };

export async function listSteps(db: Db, attemptId: number, examinerUserId?: number): Promise<StoredStep[]> {
	let q = db.selectFrom('practical_score_steps').select(['examiner_user_id', 'seq', 'item_code', 'kind', 'points', 'undo_seq', 'note']).where('attempt_id', '=', attemptId);
	if (examinerUserId !== undefined) q = q.where('examiner_user_id', '=', examinerUserId);
	const rows = await q.orderBy('examiner_user_id').orderBy('seq').execute();
	return rows.map((r) => ({
		examinerUserId: r.examiner_user_id,
		seq: r.seq,
		itemCode: r.item_code,
		kind: stepKind(r.kind),
		points: r.points === null ? null : Number(r.points),
		undoSeq: r.undo_seq,
		note: r.note
	}));
}

export type NewStep = { seq: number; itemCode: string; kind: 'deduct' | 'veto' | 'undo'; points: number | null; undoSeq: number | null; note: string | null; clientAt: Date | null };

/** Appends steps; a (attempt, examiner, seq) already stored is a replay and is skipped. Returns how many were new. */
export async function insertSteps(db: Db, attemptId: number, examinerUserId: number, steps: NewStep[], now: Date): Promise<number> {
	if (!steps.length) return 0;
	const rows = await db
		.insertInto('practical_score_steps')
		.values(
			steps.map((s) => ({
				attempt_id: attemptId,
				examiner_user_id: examinerUserId,
				seq: s.seq,
				item_code: s.itemCode,
				kind: s.kind,
				points: s.points === null ? null : String(s.points),
				undo_seq: s.undoSeq,
				note: s.note,
				client_at: s.clientAt,
				received_at: now
			}))
		)
		.onConflict((oc) => oc.columns(['attempt_id', 'examiner_user_id', 'seq']).doNothing())
		.returning('seq')
		.execute();
	return rows.length;
}

export async function listSignoffs(db: Db, attemptId: number): Promise<(Signoff & { signedAt: Date })[]> {
	const rows = await db.selectFrom('practical_signoffs').selectAll().where('attempt_id', '=', attemptId).orderBy('signed_at').execute();
	return rows.map((r) => ({ examinerUserId: r.examiner_user_id, role: signoffRole(r.role), score: Number(r.score), veto: r.veto, signedAt: new Date(r.signed_at) }));
}

export async function insertSignoff(db: Db, attemptId: number, s: Signoff, now: Date): Promise<void> {
	await db.insertInto('practical_signoffs').values({ attempt_id: attemptId, examiner_user_id: s.examinerUserId, role: s.role, score: String(s.score), veto: s.veto, signed_at: now }).execute();
}

export async function setAttemptResult(db: Db, attemptId: number, r: { status: 'scored' | 'final'; score: number | null; veto: boolean | null; passed: boolean | null; finalisedAt: Date | null; publishedAt: Date | null }): Promise<void> {
	await db
		.updateTable('practical_attempts')
		.set({ status: r.status, score: r.score === null ? null : String(r.score), veto: r.veto, passed: r.passed, finalised_at: r.finalisedAt, published_at: r.publishedAt })
		.where('id', '=', attemptId)
		.execute();
}

export async function insertCorrection(db: Db, c: { attemptId: number; byUser: number; previousScore: number | null; score: number; previousPassed: boolean | null; passed: boolean; reason: string; at: Date }): Promise<void> {
	await db
		.insertInto('practical_corrections')
		.values({ attempt_id: c.attemptId, by_user: c.byUser, previous_score: c.previousScore === null ? null : String(c.previousScore), score: String(c.score), previous_passed: c.previousPassed, passed: c.passed, reason: c.reason, at: c.at })
		.execute();
}

export async function listCorrections(db: Db, attemptId: number) {
	const rows = await db.selectFrom('practical_corrections').select(['id', 'score', 'previous_score', 'passed', 'reason', 'at']).where('attempt_id', '=', attemptId).orderBy('id').execute();
	return rows.map((r) => ({ id: r.id, score: Number(r.score), previousScore: r.previous_score === null ? null : Number(r.previous_score), passed: r.passed, reason: r.reason, at: new Date(r.at) }));
}

export async function insertEvidence(db: Db, e: { attemptId: number; itemCode: string | null; fileId: number; byUser: number; at: Date }): Promise<number> {
	const row = await db.insertInto('practical_evidence').values({ attempt_id: e.attemptId, item_code: e.itemCode, file_id: e.fileId, by_user: e.byUser, at: e.at }).returning('id').executeTakeFirstOrThrow();
	return row.id;
}

export async function listEvidence(db: Db, attemptId: number) {
	const rows = await db
		.selectFrom('practical_evidence as e')
		.innerJoin('files as f', 'f.id', 'e.file_id')
		.select(['e.id', 'e.item_code', 'e.file_id', 'f.name', 'f.mime', 'e.at'])
		.where('e.attempt_id', '=', attemptId)
		.orderBy('e.id')
		.execute();
	return rows.map((r) => ({ id: r.id, itemCode: r.item_code, fileId: r.file_id, name: r.name, mime: r.mime, at: new Date(r.at) }));
}
