import { sql, type Kysely } from 'kysely';

// Exam day and study day (issue 17): the coverage bookkeeping and the start's history checks cost
// the hot statements work they do not need.
// - exam_attempts: the coverage trigger fired on every UPDATE statement, so every 开始考试 (ready →
//   in_progress) built two transition tables and called coverage_queue, though coverage counts only
//   finished, passed, not-voided attempts (migration 006). Now a row trigger whose WHEN clause is the
//   old function's test narrowed to what coverage reads: passed, decision, finished_at or person_id
//   changed, or the status moved into or out of 'finished'. A start queues no trigger call.
//   (PostgreSQL refuses transition tables on a trigger with a column list, hence a row trigger.)
// - lesson_progress: every heartbeat's upsert fired the INSERT and the UPDATE statement triggers
//   (an INSERT … ON CONFLICT fires both). Coverage needs only a lesson that completes or stops
//   being complete: row triggers with a WHEN clause, so a heartbeat that completes nothing queues
//   no trigger call at all.
// - exam_attempts (candidate_id): the start checks "passed already" and "attempts left" over the
//   candidate's finished attempts; without an index on candidate_id PostgreSQL scanned every finished
//   attempt of every session (the (session_id, status) index, on status alone) — growing with history.
const up_ = [
	`create function coverage_exam_attempts_row() returns trigger language plpgsql as $$
	begin
		perform coverage_queue(array[new.person_id, old.person_id]);
		return null;
	end $$`,
	`drop trigger coverage_exam_attempts_upd on exam_attempts`,
	`create trigger coverage_exam_attempts_upd after update on exam_attempts for each row
		when (old.passed is distinct from new.passed or old.decision is distinct from new.decision
			or old.finished_at is distinct from new.finished_at or old.person_id is distinct from new.person_id
			or (old.status is distinct from new.status and (old.status = 'finished' or new.status = 'finished')))
		execute function coverage_exam_attempts_row()`,
	`create function coverage_lesson_progress_row() returns trigger language plpgsql as $$
	begin
		perform coverage_queue(array(select e.person_id from enrolments e where e.id = new.enrolment_id));
		return null;
	end $$`,
	`drop trigger coverage_lesson_progress_ins on lesson_progress`,
	`drop trigger coverage_lesson_progress_upd on lesson_progress`,
	`create trigger coverage_lesson_progress_ins after insert on lesson_progress
		for each row when (new.completed_at is not null) execute function coverage_lesson_progress_row()`,
	`create trigger coverage_lesson_progress_upd after update of completed_at on lesson_progress
		for each row when (old.completed_at is distinct from new.completed_at) execute function coverage_lesson_progress_row()`,
	`create index exam_attempts_candidate on exam_attempts (candidate_id)`
];

const down_ = [
	`drop index if exists exam_attempts_candidate`,
	`drop trigger coverage_lesson_progress_ins on lesson_progress`,
	`drop trigger coverage_lesson_progress_upd on lesson_progress`,
	`drop function coverage_lesson_progress_row()`,
	`create trigger coverage_lesson_progress_ins after insert on lesson_progress referencing new table as coverage_nt
		for each statement execute function coverage_lesson_progress_chg()`,
	`create trigger coverage_lesson_progress_upd after update on lesson_progress referencing old table as coverage_ot new table as coverage_nt
		for each statement execute function coverage_lesson_progress_chg()`,
	`drop trigger coverage_exam_attempts_upd on exam_attempts`,
	`drop function coverage_exam_attempts_row()`,
	`create trigger coverage_exam_attempts_upd after update on exam_attempts referencing old table as coverage_ot new table as coverage_nt
		for each statement execute function coverage_exam_attempts_upd()`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of up_) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const statement of down_) await sql.raw(statement).execute(db);
}
