import { sql, type Kysely } from 'kysely';

// 直播培训, second round (issue 19).
// - Automatic random 点名: a class's rule (how many per hour, seconds to answer) is data on the
//   class; the checks are planned when the class is scheduled and stored as live_roll_calls rows
//   with issued_at in the future (auto = true, issued_by null), so every instance reads the same
//   schedule from PostgreSQL and none keeps it in memory.
// - Time credited while a 点名 is open is held (held_seconds) until it is answered on time;
//   a missed 点名 discards it.
// - The study heartbeat looks up a learner's live lease by person (one lease across study and live).
const statements = [
	`alter table live_classes add column rollcall_rule jsonb`,
	`alter table live_roll_calls alter column issued_by drop not null`,
	`alter table live_roll_calls add column auto boolean not null default false`,
	`alter table live_roll_calls add check (auto or issued_by is not null)`,
	`create index live_roll_calls_due on live_roll_calls(class_id, issued_at)`,
	`alter table live_attendance add column held_seconds integer not null default 0 check (held_seconds >= 0)`,
	`alter table live_attendance add column held_roll_call_id integer references live_roll_calls(id)`,
	`create index live_attendance_person on live_attendance(person_id, last_at)`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const statement of [
		'drop index if exists live_attendance_person',
		'alter table live_attendance drop column if exists held_roll_call_id',
		'alter table live_attendance drop column if exists held_seconds',
		'drop index if exists live_roll_calls_due',
		'alter table live_roll_calls drop column if exists auto',
		'alter table live_classes drop column if exists rollcall_rule'
	]) {
		await sql.raw(statement).execute(db);
	}
}
