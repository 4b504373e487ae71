import { sql, type Kysely } from 'kysely';

// 直播培训, third round (issue 19): face checks on live attendance (issue 16's capability).
// - live_attendance.face_pending: the viewer's current session began (join, takeover, or after a
//   gap) while the learner's face verification is on, and no matching photo has been taken since;
//   nothing is credited while it is set.
// - face_checks may now be taken for a live class (context 'live', live_class_id).
// - live_beats records each face check of a live page (kind 'face_check').
const statements = [
	`alter table live_attendance add column face_pending boolean not null default false`,
	`alter table face_checks drop constraint face_checks_context_check`,
	`alter table face_checks add constraint face_checks_context_check check (context in ('study', 'exam', 'enrolment', 'live'))`,
	`alter table face_checks add column live_class_id integer references live_classes(id)`,
	`alter table live_beats drop constraint live_beats_kind_check`,
	`alter table live_beats add constraint live_beats_kind_check check (kind in ('beat', 'refused', 'rollcall_passed', 'rollcall_missed', 'face_check'))`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

// The wider checks on face_checks.context and live_beats.kind stay: their rows are append-only evidence.
export async function down(db: Kysely<any>): Promise<void> {
	await sql.raw('alter table face_checks drop column if exists live_class_id').execute(db);
	await sql.raw('alter table live_attendance drop column if exists face_pending').execute(db);
}
