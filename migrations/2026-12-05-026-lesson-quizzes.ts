import { sql, type Kysely } from 'kysely';

// Issue 15: an end-of-lesson practice quiz. A lesson may name a question bank (by code), the
// knowledge points or question codes to draw from and how many questions to show. Practice only:
// nothing is stored about the answers, nothing counts as an exam or as 学时.
// quiz = { bank: text, knowledge: text[], questions: text[], count: int }
export async function up(db: Kysely<any>): Promise<void> {
	await sql`alter table lessons add column quiz jsonb`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`alter table lessons drop column if exists quiz`.execute(db);
}
