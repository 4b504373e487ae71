import { sql, type Kysely } from 'kysely';

// Frozen. Courses, uploaded files, hour rules, annual plans and study-time accounting.
// Study history (study_events, study_checks) is append-only evidence for the regulators'
// "走过场" audit; lesson_progress and study_leases are state derived while crediting.
const statements = [
	// Staff: the date a person took up their post decides initial vs annual requirements.
	`alter table persons add column hired_on date`,

	// Uploaded files live in PostgreSQL (the one store), chunked so an HTTP range request
	// reads only the chunks it needs.
	`create table files (
		id serial primary key,
		owner_org_id integer references organisations(id),
		name text not null check (char_length(name) between 1 and 200),
		mime text not null,
		size_bytes bigint not null check (size_bytes >= 0),
		chunk_bytes integer not null check (chunk_bytes > 0),
		sha256 text not null,
		created_by integer references users(id),
		created_at timestamptz not null
	)`,
	`create table file_chunks (
		file_id integer not null references files(id) on delete cascade,
		seq integer not null,
		data bytea not null,
		primary key (file_id, seq)
	)`,

	`create table courses (
		id serial primary key,
		code text not null unique check (code ~ '^[a-z0-9][a-z0-9-]{1,63}$'),
		title text not null check (char_length(title) between 1 and 100),
		description text not null default '',
		training_type text not null check (training_type in ('initial', 'annual', 'three_level', 'transfer', 'topic')),
		audience_roles jsonb not null default '[]'::jsonb,
		audience_industries jsonb not null default '[]'::jsonb,
		audience_high_risk boolean,
		credit_hours numeric(5,1) not null check (credit_hours > 0 and credit_hours <= 200),
		owner_org_id integer references organisations(id),
		status text not null default 'draft' check (status in ('draft', 'published', 'retired')),
		created_at timestamptz not null,
		updated_at timestamptz not null,
		published_at timestamptz
	)`,
	`create table course_modules (
		id serial primary key,
		course_id integer not null references courses(id) on delete cascade,
		title text not null check (char_length(title) between 1 and 100),
		position integer not null
	)`,
	`create index course_modules_course on course_modules(course_id, position)`,
	`create table lessons (
		id serial primary key,
		course_id integer not null references courses(id) on delete cascade,
		module_id integer not null references course_modules(id) on delete cascade,
		title text not null check (char_length(title) between 1 and 100),
		kind text not null check (kind in ('text', 'video', 'pdf')),
		body_md text not null default '',
		file_id integer references files(id),
		video_seconds integer check (video_seconds is null or video_seconds > 0),
		minutes integer not null check (minutes between 1 and 600),
		position integer not null
	)`,
	`create index lessons_module on lessons(module_id, position)`,
	`create index lessons_course on lessons(course_id)`,

	// Hour rules of FACTS.md as rows, each with its source.
	`create table training_requirements (
		code text primary key,
		title text not null,
		role_categories jsonb not null,
		high_risk boolean,
		kind text not null check (kind in ('initial', 'annual', 'pre_job', 'special_review', 'parameter')),
		hours numeric(5,1) not null,
		basis_doc text not null,
		basis_article text not null,
		status text not null check (status in ('verified', 'secondary', 'unverified')),
		note text,
		effective_from date,
		effective_to date,
		sort integer not null default 0
	)`,

	`create table enrolments (
		id serial primary key,
		person_id integer not null references persons(id),
		course_id integer not null references courses(id),
		plan_year integer not null check (plan_year between 2000 and 2100),
		due_on date,
		source text not null check (source in ('auto', 'manual')),
		requirement_code text references training_requirements(code),
		assigned_by integer references users(id),
		status text not null default 'active' check (status in ('active', 'withdrawn')),
		created_at timestamptz not null,
		completed_at timestamptz,
		unique (person_id, course_id, plan_year)
	)`,
	`create index enrolments_course on enrolments(course_id)`,

	`create table lesson_progress (
		enrolment_id integer not null references enrolments(id),
		lesson_id integer not null references lessons(id),
		credited_seconds integer not null default 0 check (credited_seconds >= 0),
		watched_seconds numeric(9,2) not null default 0,
		reached_end boolean not null default false,
		first_at timestamptz not null,
		last_at timestamptz not null,
		completed_at timestamptz,
		primary key (enrolment_id, lesson_id)
	)`,

	// One lesson at a time per learner: the lease names the tab that is being credited.
	`create table study_leases (
		person_id integer primary key references persons(id),
		enrolment_id integer not null references enrolments(id),
		lesson_id integer not null references lessons(id),
		tab_id text not null,
		started_at timestamptz not null,
		last_beat_at timestamptz not null,
		seconds_to_check integer not null,
		-- compare-and-set: a heartbeat writes only if the lease is as it read it
		version integer not null default 0,
		ip text,
		device text
	)`,

	`create table study_checks (
		id serial primary key,
		person_id integer not null references persons(id),
		enrolment_id integer not null references enrolments(id),
		lesson_id integer not null references lessons(id),
		issued_at timestamptz not null,
		deadline_at timestamptz not null,
		answered_at timestamptz,
		status text not null default 'pending' check (status in ('pending', 'passed', 'missed'))
	)`,
	`create index study_checks_open on study_checks(person_id) where status = 'pending'`,

	`create table study_events (
		id bigserial primary key,
		at timestamptz not null,
		person_id integer not null references persons(id),
		enrolment_id integer,
		lesson_id integer,
		tab_id text,
		kind text not null check (kind in ('beat', 'refused', 'check_issued', 'check_passed', 'check_missed', 'lesson_completed')),
		credited_seconds integer not null default 0,
		position numeric(9,2),
		playback_rate numeric(4,2),
		reason text,
		ip text,
		device text
	)`,
	`create index study_events_person on study_events(person_id, at)`,
	`create index study_events_enrolment on study_events(enrolment_id, at)`,
	`create function study_events_append_only() returns trigger language plpgsql as $$
		begin raise exception 'study_events is append-only'; end $$`,
	`create trigger study_events_no_update before update or delete on study_events
		for each row execute function study_events_append_only()`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of ['study_events', 'study_checks', 'study_leases', 'lesson_progress', 'enrolments', 'training_requirements', 'lessons', 'course_modules', 'courses', 'file_chunks', 'files']) {
		await sql.raw(`drop table if exists ${table}`).execute(db);
	}
	await sql.raw(`drop function if exists study_events_append_only`).execute(db);
	await sql.raw(`alter table persons drop column if exists hired_on`).execute(db);
}
