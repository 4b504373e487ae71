import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { QuestionResponse } from '../question-engine/grading.ts';
import type { ItemStats } from '../question-engine/item-analysis.ts';

// SQL of grading (grading-service.ts): the graded result, the 错题本 and the item statistics.

export async function getPaperTotals(db: Db, paperId: number) {
	return db.selectFrom('exam_papers').select(['blueprint_id', 'total_points']).where('id', '=', paperId).executeTakeFirstOrThrow();
}

export async function saveGrade(db: Db, attemptId: number, grade: { score: number; passed: boolean; result: unknown; flags: unknown }): Promise<void> {
	await db
		.updateTable('exam_attempts')
		.set({ score: String(grade.score), passed: grade.passed, result: JSON.stringify(grade.result), flags: JSON.stringify(grade.flags) })
		.where('id', '=', attemptId)
		.execute();
}

/** Counts one more wrong answer in the person's 错题本 (and reopens it if it was resolved). */
export async function recordWrongAnswer(db: Db, personId: number, questionId: number, now: Date): Promise<void> {
	await sql`insert into wrong_answers (person_id, question_id, wrong_count, last_wrong_at)
		values (${personId}, ${questionId}, 1, ${now})
		on conflict (person_id, question_id) do update set wrong_count = wrong_answers.wrong_count + 1, last_wrong_at = ${now}, resolved_at = null`.execute(db);
}

export async function resolveWrongAnswer(db: Db, personId: number, questionId: number, now: Date): Promise<void> {
	await db.updateTable('wrong_answers').set({ resolved_at: now }).where('person_id', '=', personId).where('question_id', '=', questionId).where('resolved_at', 'is', null).execute();
}

/** The banks the questions belong to. */
export async function bankIdsOfQuestions(db: Db, questionIds: readonly number[]): Promise<number[]> {
	if (!questionIds.length) return [];
	const rows = await db.selectFrom('qb_questions').select('bank_id').distinct().where('id', 'in', questionIds).execute();
	return rows.map((r) => r.bank_id);
}

export type ItemResponseSqlRow = { attempt_id: number; score: string; question_id: string; version: number; correct: boolean; response: QuestionResponse | null };

/** Every graded response to a question of the bank, from finished, non-voided exam attempts. */
export async function listBankItemResponses(db: Db, bankId: number): Promise<ItemResponseSqlRow[]> {
	const { rows } = await sql<ItemResponseSqlRow>`
		select a.id as attempt_id, a.score, s."questionId" as question_id, s.version, s.correct, st.response
		from exam_attempts a
		cross join lateral jsonb_to_recordset(a.result -> 'slots') as s(slot int, "questionId" text, version int, correct boolean)
		join qb_questions q on q.id = s."questionId"::int and q.bank_id = ${bankId}
		left join lateral (
			select response from exam_answer_steps x where x.attempt_id = a.id and x.slot = s.slot order by x.seq desc limit 1
		) st on true
		where a.mode = 'exam' and a.status = 'finished' and a.result is not null and a.decision is distinct from 'voided'`.execute(db);
	return rows;
}

/** Replaces the bank's item statistics (versions with no counted responses any more lose their row). */
export async function replaceItemStats(db: Db, bankId: number, stats: readonly ItemStats[], now: Date): Promise<void> {
	await db.deleteFrom('item_stats').where('bank_id', '=', bankId).execute();
	for (const s of stats) {
		await db
			.insertInto('item_stats')
			.values({ question_id: Number(s.questionId), version: s.version, bank_id: bankId, responses: s.responses, stats: JSON.stringify(s), computed_at: now })
			.onConflict((oc) => oc.columns(['question_id', 'version']).doUpdateSet({ responses: s.responses, stats: JSON.stringify(s), computed_at: now }))
			.execute();
	}
}

export async function listBankQuestionVersions(db: Db, bankId: number) {
	return db.selectFrom('qb_questions').select(['id', 'current_version']).where('bank_id', '=', bankId).execute();
}
