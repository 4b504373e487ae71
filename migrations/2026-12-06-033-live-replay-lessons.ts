import { sql, type Kysely } from 'kysely';

// 直播培训 (issue 19): a class's recording becomes a 回放 lesson of the class's course.
// - live_classes.course_id: the organiser's course the class belongs to (optional).
// - lessons.live_class_id: the lesson is that class's replay. It is played through the class's
//   signed replay URL and credited only through live_attendance (replay mode), never through
//   lesson_progress; at most one such lesson per class (the partial unique index makes it idempotent).
const statements = [
	`alter table live_classes add column course_id integer references courses(id)`,
	`alter table lessons add column live_class_id integer references live_classes(id)`,
	`create unique index lessons_live_class_id_key on lessons (live_class_id) where live_class_id is not null`,
	// a replay lesson has 0 minutes: the course's own 学时 totals leave it out (the class's cap is the only cap)
	`alter table lessons drop constraint lessons_minutes_check`,
	`alter table lessons add constraint lessons_minutes_check check (minutes between 1 and 600 or (live_class_id is not null and minutes = 0))`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql.raw('delete from lesson_progress where lesson_id in (select id from lessons where live_class_id is not null)').execute(db);
	await sql.raw('delete from lessons where live_class_id is not null').execute(db);
	await sql.raw('alter table lessons drop constraint lessons_minutes_check').execute(db);
	await sql.raw('alter table lessons add constraint lessons_minutes_check check (minutes between 1 and 600)').execute(db);
	await sql.raw('drop index if exists lessons_live_class_id_key').execute(db);
	await sql.raw('alter table lessons drop column if exists live_class_id').execute(db);
	await sql.raw('alter table live_classes drop column if exists course_id').execute(db);
}
