import { sql, type Kysely } from 'kysely';

// Frozen. Training records (培训档案) are kept for their retention period — 特种作业人员 at least
// 6 years, 主要负责人 and 安全生产管理人员 at least 3 (赣应急字〔2024〕24号 第十五条; see
// src/lib/server/retention/rules.ts). The app has no delete path for them; this makes the database
// refuse one too, including deletes cascaded from a parent row. An exam attempt that never started
// ('ready': removing a candidate from a roster) holds no record and may go. A purge after the
// period is a deliberate operator action (disable the trigger in a maintenance window), never the app's.
const GUARDED = [
	'persons',
	'enrolments',
	'lesson_progress',
	'study_checks',
	// already append-only (update/delete); this adds TRUNCATE
	'study_events',
	'exam_answer_steps',
	'exam_events',
	'certificates',
	'certificate_reviews',
	'practical_attempts',
	'practical_score_steps'
];

export async function up(db: Kysely<any>): Promise<void> {
	await sql`create function training_records_retained() returns trigger language plpgsql as $$
		begin
			raise exception 'retention: % 属于培训档案，保存期内不得删除（特种作业人员不少于6年，主要负责人和安全生产管理人员不少于3年）', tg_table_name;
		end $$`.execute(db);
	await sql`create function exam_attempts_retained() returns trigger language plpgsql as $$
		begin
			if old.status = 'ready' then return old; end if;
			raise exception 'retention: exam_attempts 属于培训档案，保存期内不得删除（特种作业人员不少于6年，主要负责人和安全生产管理人员不少于3年）';
		end $$`.execute(db);
	for (const table of GUARDED) {
		await sql`create trigger ${sql.raw(`${table}_retained`)} before delete on ${sql.table(table)} for each row execute function training_records_retained()`.execute(db);
		await sql`create trigger ${sql.raw(`${table}_retained_truncate`)} before truncate on ${sql.table(table)} for each statement execute function training_records_retained()`.execute(db);
	}
	await sql`create trigger exam_attempts_retained before delete on exam_attempts for each row execute function exam_attempts_retained()`.execute(db);
	await sql`create trigger exam_attempts_retained_truncate before truncate on exam_attempts for each statement execute function training_records_retained()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [...GUARDED, 'exam_attempts']) {
		await sql`drop trigger if exists ${sql.raw(`${table}_retained`)} on ${sql.table(table)}`.execute(db);
		await sql`drop trigger if exists ${sql.raw(`${table}_retained_truncate`)} on ${sql.table(table)}`.execute(db);
	}
	await sql`drop function if exists exam_attempts_retained`.execute(db);
	await sql`drop function if exists training_records_retained`.execute(db);
}
