import { sql, type Kysely } from 'kysely';

// Issue 14: case-analysis groups, duplicate groups and empirical difficulty.
// The case itself (title + scenario) lives in each member's versioned content (content.case,
// content.case_title, content.case_scenario): it is immutable with the version, so a past attempt
// shows exactly the scenario the candidate read, and deriving a bank copies it for free. These
// columns mirror the current version for drawing papers:
// - case_code: the case the question belongs to (drawn whole, kept consecutive);
// - same_fact: a declared duplicate group; stem_key: the normalised stem. Questions sharing either,
//   across all drawn banks, form one duplicate group: a paper holds at most one of them.
// - empirical_difficulty 1–5 from item statistics once a question has enough responses.
const statements = [
	`alter table qb_questions add column case_code text check (char_length(case_code) <= 60)`,
	`alter table qb_questions add column same_fact text check (char_length(same_fact) <= 60)`,
	`alter table qb_questions add column stem_key text`,
	`alter table qb_questions add column empirical_difficulty integer check (empirical_difficulty between 1 and 5)`,
	`alter table qb_questions add column empirical_responses integer check (empirical_responses >= 0)`,
	`update qb_questions q set case_code = v.content->>'case', same_fact = v.content->>'same_fact'
		from qb_question_versions v where v.question_id = q.id and v.version = q.current_version
		and (v.content ? 'case' or v.content ? 'same_fact')`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const c of ['empirical_responses', 'empirical_difficulty', 'stem_key', 'same_fact', 'case_code']) {
		await sql.raw(`alter table qb_questions drop column if exists ${c}`).execute(db);
	}
}
