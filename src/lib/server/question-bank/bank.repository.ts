import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Tx } from '../db/transaction.ts';
import type { Question, StoredQuestion } from '../../question-bank/schema.ts';
import { normaliseForDuplicates } from './quality.ts';

// All SQL for banks and questions. Versions are append-only (a trigger refuses edits).

export type QuestionRow = {
	id: number;
	bank_id: number;
	code: string;
	status: string;
	review_status: string;
	review_reason: string | null;
	current_version: number;
};

export async function findBankByCode(db: Db, code: string) {
	return db.selectFrom('qb_banks').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function insertBank(db: Db, bank: { code: string; name: string; industry: string | null; audience: string[]; ownerOrgId: number | null; now: Date }) {
	return db
		.insertInto('qb_banks')
		.values({ code: bank.code, name: bank.name, industry_code: bank.industry, audience: JSON.stringify(bank.audience), owner_org_id: bank.ownerOrgId, created_at: bank.now })
		.returning('id')
		.executeTakeFirstOrThrow();
}

export async function updateBankMeta(db: Db, id: number, bank: { name: string; industry: string | null; audience: string[] }) {
	await db.updateTable('qb_banks').set({ name: bank.name, industry_code: bank.industry, audience: JSON.stringify(bank.audience) }).where('id', '=', id).execute();
}

export async function replaceKnowledgePoints(db: Db, bankId: number, points: { id: string; name: string; parent: string | null }[]) {
	await db.deleteFrom('qb_knowledge_points').where('bank_id', '=', bankId).execute();
	if (points.length) {
		await db
			.insertInto('qb_knowledge_points')
			.values(points.map((p, i) => ({ bank_id: bankId, code: p.id, name: p.name, parent_code: p.parent, sort: i })))
			.execute();
	}
}

export async function listQuestionStates(db: Db, bankId: number) {
	return db
		.selectFrom('qb_questions as q')
		.innerJoin('qb_question_versions as v', (j) => j.onRef('v.question_id', '=', 'q.id').onRef('v.version', '=', 'q.current_version'))
		.select(['q.id', 'q.code', 'q.status', 'q.review_status', 'q.review_reason', 'q.current_version', 'v.content_hash', 'v.basis_hashes'])
		.where('q.bank_id', '=', bankId)
		.execute();
}

export function searchTextOf(q: Question): string {
	return [q.id, q.stem, ...Object.values(q.options ?? {}), q.explanation].join(' ');
}

export type NewVersion = {
	question: StoredQuestion;
	contentHash: string;
	basisHashes: Record<string, string>;
	origin: 'file' | 'excel' | 'browser';
	createdBy: number | null;
	review: { status: 'ok' | 'pending_review'; reason: string | null };
	now: Date;
};

function versionRow(questionId: number, version: number, n: NewVersion) {
	return {
		question_id: questionId,
		version,
		content: JSON.stringify(n.question),
		content_hash: n.contentHash,
		basis_hashes: JSON.stringify(n.basisHashes),
		origin: n.origin,
		created_by: n.createdBy,
		created_at: n.now
	};
}

/** Bulk-inserts new questions (version 1) with one statement per table. */
export async function insertQuestions(db: Db, bankId: number, items: NewVersion[]) {
	if (!items.length) return;
	for (let i = 0; i < items.length; i += 1000) {
		const chunk = items.slice(i, i + 1000);
		const rows = await db
			.insertInto('qb_questions')
			.values(
				chunk.map((n) => ({
					bank_id: bankId,
					code: n.question.id,
					status: 'active',
					review_status: n.review.status,
					review_reason: n.review.reason,
					current_version: 1,
					type: n.question.type,
					difficulty: n.question.difficulty,
					knowledge_code: n.question.knowledge,
					search_text: searchTextOf(n.question),
					case_code: n.question.case ?? null,
					same_fact: n.question.same_fact ?? null,
					stem_key: normaliseForDuplicates(n.question.stem),
					updated_at: n.now
				}))
			)
			.returning(['id', 'code'])
			.execute();
		const idByCode = new Map(rows.map((r) => [r.code, r.id]));
		await db
			.insertInto('qb_question_versions')
			.values(chunk.map((n) => versionRow(idByCode.get(n.question.id)!, 1, n)))
			.execute();
	}
}

/** New versions of many questions: one insert and one update per 1,000 (a re-import of a whole bank). */
export async function appendVersions(db: Db, items: { questionId: number; version: number; n: NewVersion }[], now: Date) {
	for (let i = 0; i < items.length; i += 1000) {
		const chunk = items.slice(i, i + 1000);
		await db
			.insertInto('qb_question_versions')
			.values(chunk.map((c) => versionRow(c.questionId, c.version, c.n)))
			.execute();
		const col = <T>(f: (c: (typeof chunk)[number]) => T) => chunk.map(f);
		await sql`
			update qb_questions q set current_version = u.version, status = 'active', review_status = u.review_status, review_reason = u.review_reason,
				type = u.type, difficulty = u.difficulty, knowledge_code = u.knowledge_code, search_text = u.search_text,
				case_code = u.case_code, same_fact = u.same_fact, stem_key = u.stem_key, updated_at = ${now}::timestamptz
			from unnest(${col((c) => c.questionId)}::int[], ${col((c) => c.version)}::int[], ${col((c) => c.n.review.status)}::text[], ${col((c) => c.n.review.reason)}::text[],
				${col((c) => c.n.question.type)}::text[], ${col((c) => c.n.question.difficulty)}::int[], ${col((c) => c.n.question.knowledge)}::text[], ${col((c) => searchTextOf(c.n.question))}::text[],
				${col((c) => c.n.question.case ?? null)}::text[], ${col((c) => c.n.question.same_fact ?? null)}::text[], ${col((c) => normaliseForDuplicates(c.n.question.stem))}::text[])
				as u(id, version, review_status, review_reason, type, difficulty, knowledge_code, search_text, case_code, same_fact, stem_key)
			where q.id = u.id`.execute(db);
	}
}

/** setReview for many questions with one statement. */
export async function setReviews(db: Db, items: { id: number; status: 'ok' | 'pending_review'; reason: string | null }[], now: Date) {
	if (!items.length) return;
	await sql`
		update qb_questions q set review_status = u.status, review_reason = u.reason, updated_at = ${now}::timestamptz
		from unnest(${items.map((r) => r.id)}::int[], ${items.map((r) => r.status)}::text[], ${items.map((r) => r.reason)}::text[]) as u(id, status, reason)
		where q.id = u.id`.execute(db);
}

export async function setQuestionStatus(db: Db, ids: number[], status: 'active' | 'retired', now: Date) {
	if (ids.length) await db.updateTable('qb_questions').set({ status, updated_at: now }).where('id', 'in', ids).execute();
}

export async function setReview(db: Db, id: number, review: { status: 'ok' | 'pending_review'; reason: string | null }, now: Date) {
	await db.updateTable('qb_questions').set({ review_status: review.status, review_reason: review.reason, updated_at: now }).where('id', '=', id).execute();
}

export async function upsertSource(db: Db, s: { id: string; title: string; effective_from: Date; effective_to?: Date; superseded_by?: string; note?: string; text: string }, now: Date) {
	const iso = (d: Date | undefined) => (d ? d.toISOString().slice(0, 10) : null);
	const values = {
		id: s.id,
		title: s.title,
		effective_from: iso(s.effective_from)!,
		effective_to: iso(s.effective_to),
		superseded_by: s.superseded_by ?? null,
		note: s.note ?? null,
		text: s.text,
		updated_at: now
	};
	await db
		.insertInto('qb_sources')
		.values(values)
		.onConflict((oc) => oc.column('id').doUpdateSet({ ...values, id: sql`excluded.id` }))
		.execute();
}

/**
 * Copies a bank into a new bank owned by `ownerOrgId`, set-based (one statement per table):
 * knowledge points with their names, and every active question at its current version, as
 * version 1 of a question that records the platform question and version it came from.
 */
export async function copyBankAsDerived(
	db: Db,
	source: { id: number },
	target: { code: string; name: string; ownerOrgId: number; createdBy: number; now: Date }
): Promise<{ bankId: number; questions: number; knowledgePoints: number }> {
	const bank = await sql<{ id: number }>`
		insert into qb_banks (code, name, industry_code, audience, owner_org_id, created_at, derived_from_bank_id)
		select ${target.code}, ${target.name}, industry_code, audience, ${target.ownerOrgId}::integer, ${target.now}::timestamptz, id
		from qb_banks where id = ${source.id}
		returning id`.execute(db);
	const bankId = bank.rows[0]!.id;
	const points = await sql`
		insert into qb_knowledge_points (bank_id, code, name, parent_code, sort)
		select ${bankId}::integer, code, name, parent_code, sort from qb_knowledge_points where bank_id = ${source.id}`.execute(db);
	const questions = await sql`
		with src as (
			select q.id, q.code, q.review_status, q.review_reason, q.current_version, q.type, q.difficulty, q.knowledge_code, q.search_text,
				q.case_code, q.same_fact, q.stem_key, v.content, v.content_hash, v.basis_hashes
			from qb_questions q
			join qb_question_versions v on v.question_id = q.id and v.version = q.current_version
			where q.bank_id = ${source.id} and q.status = 'active'
		), ins as (
			insert into qb_questions (bank_id, code, status, review_status, review_reason, current_version, type, difficulty,
				knowledge_code, search_text, updated_at, derived_from_question_id, derived_from_version, case_code, same_fact, stem_key)
			select ${bankId}::integer, code, 'active', review_status, review_reason, 1, type, difficulty,
				knowledge_code, search_text, ${target.now}::timestamptz, id, current_version, case_code, same_fact, stem_key
			from src order by code
			returning id, derived_from_question_id
		)
		insert into qb_question_versions (question_id, version, content, content_hash, basis_hashes, origin, created_by, created_at)
		select ins.id, 1, src.content, src.content_hash, src.basis_hashes, 'derived', ${target.createdBy}::integer, ${target.now}::timestamptz
		from ins join src on src.id = ins.derived_from_question_id`.execute(db);
	return { bankId, questions: Number(questions.numAffectedRows ?? 0), knowledgePoints: Number(points.numAffectedRows ?? 0) };
}

/** Empirical difficulty (null = not enough responses yet) of many questions, one statement. */
export async function setEmpiricalDifficulties(db: Db, items: { questionId: number; difficulty: number | null; responses: number }[]) {
	if (!items.length) return;
	await sql`
		update qb_questions q set empirical_difficulty = u.difficulty, empirical_responses = u.responses
		from unnest(${items.map((i) => i.questionId)}::int[], ${items.map((i) => i.difficulty)}::int[], ${items.map((i) => i.responses)}::int[]) as u(id, difficulty, responses)
		where q.id = u.id`.execute(db);
}

/** Locks a question of the bank by its code (an edit, retire or review confirmation of it is serialised). */
export async function lockQuestionByCode(tx: Tx, bankId: number, code: string) {
	return tx.selectFrom('qb_questions').select(['id', 'review_reason']).where('bank_id', '=', bankId).where('code', '=', code).forUpdate().executeTakeFirst();
}

/** The stored content of the question's current version. */
export async function findCurrentContent(db: Db, questionId: number): Promise<unknown> {
	const row = await db
		.selectFrom('qb_question_versions as v')
		.innerJoin('qb_questions as qq', (j) => j.onRef('qq.id', '=', 'v.question_id').onRef('qq.current_version', '=', 'v.version'))
		.select('v.content')
		.where('qq.id', '=', questionId)
		.executeTakeFirst();
	return row?.content;
}

export async function bankCodeExists(db: Db, code: string): Promise<boolean> {
	return (await db.selectFrom('qb_banks').select('id').where('code', '=', code).executeTakeFirst()) !== undefined;
}
