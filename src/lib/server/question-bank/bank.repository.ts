import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Question } from '../../question-bank/schema.ts';

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
	question: Question;
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

export async function appendVersion(db: Db, questionId: number, version: number, n: NewVersion) {
	await db
		.insertInto('qb_question_versions')
		.values(versionRow(questionId, version, n))
		.execute();
	await db
		.updateTable('qb_questions')
		.set({
			current_version: version,
			status: 'active',
			review_status: n.review.status,
			review_reason: n.review.reason,
			type: n.question.type,
			difficulty: n.question.difficulty,
			knowledge_code: n.question.knowledge,
			search_text: searchTextOf(n.question),
			updated_at: n.now
		})
		.where('id', '=', questionId)
		.execute();
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
