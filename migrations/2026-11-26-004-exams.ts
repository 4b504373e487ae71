import { sql, type Kysely } from 'kysely';

// Exams (Moodle's split): blueprints and papers address questions by slot at pinned versions;
// the attempt owns the clock and its state. Answer steps and proctoring events are append-only:
// an attempt's current answers are the newest step per slot, so a late retry can never win.
const statements = [
	`create table exam_blueprints (
		id serial primary key,
		owner_org_id integer not null references organisations(id),
		name text not null check (char_length(name) between 1 and 100),
		bank_ids jsonb not null,
		-- the question engine's Blueprint (sections, scoring, duration, pass mark, shuffling)
		definition jsonb not null,
		-- special_work / principal_or_safety_manager / training (培训合格证明) / none (practice only)
		certificate_type text not null check (certificate_type in ('special_work', 'principal_or_safety_manager', 'training', 'none')),
		exam_kind text not null default 'theory' check (exam_kind in ('theory', 'practical')),
		-- open to learners as 模拟考试 (practice: immediate feedback, unlimited attempts)
		practice_open boolean not null default false,
		created_by integer references users(id),
		created_at timestamptz not null,
		updated_at timestamptz not null
	)`,

	`create table exam_sessions (
		id serial primary key,
		owner_org_id integer not null references organisations(id),
		blueprint_id integer not null references exam_blueprints(id),
		-- eligibility: the candidate must have completed this course's 学时 (null: no study required)
		course_id integer references courses(id),
		name text not null check (char_length(name) between 1 and 100),
		mode text not null check (mode in ('online', 'exam_point')),
		exam_point text check (exam_point is null or char_length(exam_point) <= 100),
		opens_at timestamptz not null,
		closes_at timestamptz not null,
		access_code text check (access_code is null or access_code ~ '^[0-9A-Za-z]{4,12}$'),
		paper_mode text not null check (paper_mode in ('fixed', 'per_candidate')),
		-- attempts per candidate in this session, the first included; null = unlimited
		max_attempts integer check (max_attempts is null or max_attempts between 1 and 20),
		require_fullscreen boolean not null default false,
		require_webcam boolean not null default false,
		require_id_check boolean not null default false,
		allow_new_device boolean not null default true,
		review_policy text not null check (review_policy in ('none', 'score_only', 'after_close')),
		status text not null default 'scheduled' check (status in ('scheduled', 'cancelled')),
		papers_prepared_at timestamptz,
		created_by integer references users(id),
		created_at timestamptz not null,
		check (closes_at > opens_at)
	)`,
	`create index exam_sessions_owner on exam_sessions(owner_org_id, opens_at)`,

	`create table exam_session_examiners (
		session_id integer not null references exam_sessions(id) on delete cascade,
		user_id integer not null references users(id),
		primary key (session_id, user_id)
	)`,

	`create table exam_candidates (
		id serial primary key,
		session_id integer not null references exam_sessions(id),
		person_id integer not null references persons(id),
		added_by integer references users(id),
		added_at timestamptz not null,
		id_checked_at timestamptz,
		id_checked_by integer references users(id),
		unique (session_id, person_id)
	)`,
	`create index exam_candidates_person on exam_candidates(person_id)`,

	// slots: the engine's PaperSlot[] plus each question's type, so an answer can be checked without
	// reading the question; the question text is read at the pinned versions.
	`create table exam_papers (
		id serial primary key,
		session_id integer references exam_sessions(id),
		blueprint_id integer references exam_blueprints(id),
		seed text not null,
		slots jsonb not null,
		total_points numeric(8,2) not null,
		created_at timestamptz not null
	)`,

	`create table exam_attempts (
		id serial primary key,
		mode text not null check (mode in ('exam', 'practice')),
		session_id integer references exam_sessions(id),
		candidate_id integer references exam_candidates(id),
		person_id integer not null references persons(id),
		paper_id integer not null references exam_papers(id),
		attempt_no integer not null default 1,
		-- ready: paper prepared before the session opens, so starting is one update
		status text not null check (status in ('ready', 'in_progress', 'finished')),
		finish_reason text check (finish_reason in ('submitted', 'deadline', 'terminated')),
		started_at timestamptz,
		deadline_at timestamptz,
		finished_at timestamptz,
		extended_seconds integer not null default 0,
		client_id text,
		ip text,
		user_agent text,
		score numeric(8,2),
		passed boolean,
		-- the engine's PaperGrade without per-slot detail (by knowledge point, by type)
		result jsonb,
		flags jsonb,
		decision text check (decision in ('cleared', 'warning', 'voided')),
		decision_reason text,
		decided_by integer references users(id),
		decided_at timestamptz,
		created_at timestamptz not null,
		check ((mode = 'exam') = (session_id is not null))
	)`,
	`create unique index exam_attempts_open on exam_attempts(candidate_id) where status in ('ready', 'in_progress')`,
	`create index exam_attempts_session on exam_attempts(session_id, status)`,
	`create index exam_attempts_person on exam_attempts(person_id, created_at)`,
	`create index exam_attempts_deadline on exam_attempts(deadline_at) where status = 'in_progress'`,

	// Every answer given, in order. seq is the page's counter (per attempt); the same seq twice is a
	// retry of the same answer and is ignored.
	`create table exam_answer_steps (
		attempt_id integer not null references exam_attempts(id),
		seq integer not null check (seq > 0),
		slot integer not null check (slot > 0),
		response jsonb,
		client_at timestamptz,
		received_at timestamptz not null,
		primary key (attempt_id, seq)
	)`,
	`create index exam_answer_steps_slot on exam_answer_steps(attempt_id, slot, seq desc)`,

	`create table exam_events (
		id bigserial primary key,
		attempt_id integer not null references exam_attempts(id),
		at timestamptz not null,
		source text not null check (source in ('client', 'server', 'examiner')),
		kind text not null,
		detail jsonb not null default '{}'::jsonb
	)`,
	`create index exam_events_attempt on exam_events(attempt_id, at)`,

	`create table exam_snapshots (
		id serial primary key,
		attempt_id integer not null references exam_attempts(id),
		kind text not null check (kind in ('identity', 'random')),
		file_id integer not null references files(id),
		taken_at timestamptz not null
	)`,
	`create index exam_snapshots_attempt on exam_snapshots(attempt_id, taken_at)`,

	// Examiner actions: warn (shown to the candidate until acknowledged), extend, terminate.
	`create table exam_actions (
		id serial primary key,
		attempt_id integer not null references exam_attempts(id),
		kind text not null check (kind in ('warn', 'extend', 'terminate')),
		message text not null check (char_length(message) between 1 and 500),
		seconds integer,
		by_user integer references users(id),
		at timestamptz not null,
		acknowledged_at timestamptz
	)`,
	`create index exam_actions_attempt on exam_actions(attempt_id, at)`,

	// 错题本: questions a learner got wrong, until answered right in practice.
	`create table wrong_answers (
		person_id integer not null references persons(id),
		question_id integer not null references qb_questions(id),
		wrong_count integer not null default 1,
		last_wrong_at timestamptz not null,
		resolved_at timestamptz,
		primary key (person_id, question_id)
	)`,

	// Item statistics, recomputed in the background after attempts finish.
	`create table item_stats (
		question_id integer not null references qb_questions(id),
		version integer not null,
		bank_id integer not null references qb_banks(id),
		responses integer not null,
		stats jsonb not null,
		computed_at timestamptz not null,
		primary key (question_id, version)
	)`,
	`create index item_stats_bank on item_stats(bank_id)`,

	// Background work (side effects after a commit, sweeps). Any instance may run a job:
	// workers claim with FOR UPDATE SKIP LOCKED, so N instances never run one job twice at once.
	`create table jobs (
		id bigserial primary key,
		kind text not null,
		-- a job with the same kind and key is not queued twice while one is waiting
		dedupe_key text,
		payload jsonb not null default '{}'::jsonb,
		run_after timestamptz not null,
		locked_until timestamptz,
		attempts integer not null default 0,
		last_error text,
		done_at timestamptz,
		created_at timestamptz not null
	)`,
	`create index jobs_due on jobs(run_after) where done_at is null`,
	`create unique index jobs_waiting on jobs(kind, dedupe_key) where done_at is null and dedupe_key is not null`,

	`create function exam_history_append_only() returns trigger language plpgsql as $$
		begin raise exception '% is append-only', TG_TABLE_NAME; end $$`,
	`create trigger exam_answer_steps_no_update before update or delete on exam_answer_steps
		for each row execute function exam_history_append_only()`,
	`create trigger exam_events_no_update before update or delete on exam_events
		for each row execute function exam_history_append_only()`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['jobs', 'item_stats', 'wrong_answers', 'exam_actions', 'exam_snapshots', 'exam_events', 'exam_answer_steps', 'exam_attempts', 'exam_papers', 'exam_candidates', 'exam_session_examiners', 'exam_sessions', 'exam_blueprints']) {
		await sql.raw(`drop table if exists ${table}`).execute(db);
	}
	await sql.raw(`drop function if exists exam_history_append_only`).execute(db);
}
