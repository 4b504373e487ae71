import { sql, type Kysely } from 'kysely';

// 直播培训 (issue 19). A live class belongs to the organisation that schedules it (an institution,
// or an enterprise for its own 全员 training); its audience, credit and sign-in window are data.
// Stream keys are stored as hashes and expire. What viewers do is append-only (live_beats); the
// per-viewer state (lease, clock, live and replay seconds) lives in live_attendance and is written
// by compare-and-set on its version, like study_leases. Stream up/down periods come from the
// streaming server's callbacks, so time while the stream was down is never credited.
const statements = [
	`create table live_classes (
		id serial primary key,
		owner_org_id integer not null references organisations(id),
		title text not null check (char_length(title) between 1 and 100),
		lecturer_user_id integer not null references users(id),
		starts_at timestamptz not null,
		ends_at timestamptz not null,
		-- {"orgIds": [..], "roleCategories": [..], "personIds": [..]}
		audience jsonb not null,
		credit_hours numeric(5,1) not null check (credit_hours >= 0 and credit_hours <= 24),
		-- learners may enter this many minutes before the start, and must sign in by start + after
		signin_before_minutes integer not null check (signin_before_minutes between 0 and 240),
		signin_after_minutes integer not null check (signin_after_minutes between 0 and 600),
		-- 'live_only': only live attendance credits; 'replay_allowed': replay time credits too
		replay_rule text not null check (replay_rule in ('live_only', 'replay_allowed')),
		-- the stream name: HLS files are named after it; given only to the audience
		playback_name text not null unique,
		replay_file text,
		replay_seconds integer check (replay_seconds is null or replay_seconds > 0),
		cancelled_at timestamptz,
		created_by integer not null references users(id),
		created_at timestamptz not null,
		check (ends_at > starts_at)
	)`,
	`create index live_classes_owner on live_classes(owner_org_id, starts_at)`,
	`create table live_stream_keys (
		id serial primary key,
		class_id integer not null references live_classes(id),
		key_hash text not null unique,
		expires_at timestamptz not null,
		revoked_at timestamptz,
		created_by integer not null references users(id),
		created_at timestamptz not null
	)`,
	`create index live_stream_keys_class on live_stream_keys(class_id, id)`,
	// every publish attempt and stream state change reported by the streaming server
	`create table live_stream_events (
		id bigserial primary key,
		class_id integer references live_classes(id),
		at timestamptz not null,
		kind text not null check (kind in ('publish', 'refused', 'publish_done', 'record_done')),
		reason text,
		addr text
	)`,
	`create index live_stream_events_class on live_stream_events(class_id, id)`,
	`create table live_stream_periods (
		id serial primary key,
		class_id integer not null references live_classes(id),
		started_at timestamptz not null,
		ended_at timestamptz,
		check (ended_at is null or ended_at >= started_at)
	)`,
	`create index live_stream_periods_class on live_stream_periods(class_id, id)`,
	`create table live_attendance (
		class_id integer not null references live_classes(id),
		person_id integer not null references persons(id),
		signed_in_at timestamptz,
		late boolean not null default false,
		tab_id text not null,
		mode text not null check (mode in ('live', 'replay')),
		last_beat_at timestamptz not null,
		released_at timestamptz,
		version integer not null default 0,
		live_seconds integer not null default 0 check (live_seconds >= 0),
		replay_seconds integer not null default 0 check (replay_seconds >= 0),
		watched_seconds numeric not null default 0,
		first_at timestamptz not null,
		last_at timestamptz not null,
		primary key (class_id, person_id)
	)`,
	`create table live_beats (
		id bigserial primary key,
		class_id integer not null references live_classes(id),
		person_id integer not null references persons(id),
		at timestamptz not null,
		tab_id text,
		kind text not null check (kind in ('beat', 'refused', 'rollcall_passed', 'rollcall_missed')),
		mode text not null check (mode in ('live', 'replay')),
		credited_seconds integer not null default 0,
		reason text,
		position numeric,
		ip text,
		device text
	)`,
	`create index live_beats_class on live_beats(class_id, person_id, id)`,
	`create table live_roll_calls (
		id serial primary key,
		class_id integer not null references live_classes(id),
		issued_at timestamptz not null,
		deadline_at timestamptz not null,
		issued_by integer not null references users(id),
		check (deadline_at > issued_at)
	)`,
	`create index live_roll_calls_class on live_roll_calls(class_id, id)`,
	`create table live_roll_call_answers (
		roll_call_id integer not null references live_roll_calls(id),
		person_id integer not null references persons(id),
		answered_at timestamptz not null,
		on_time boolean not null,
		primary key (roll_call_id, person_id)
	)`,
	`create table live_questions (
		id serial primary key,
		class_id integer not null references live_classes(id),
		person_id integer not null references persons(id),
		body text not null check (char_length(body) between 1 and 500),
		created_at timestamptz not null,
		-- pending → shown | hidden (moderation); answered questions keep their answer
		status text not null default 'pending' check (status in ('pending', 'shown', 'hidden')),
		moderated_by integer references users(id),
		moderated_at timestamptz,
		answer text check (answer is null or char_length(answer) between 1 and 2000),
		answered_on_air boolean not null default false,
		answered_by integer references users(id),
		answered_at timestamptz
	)`,
	`create index live_questions_class on live_questions(class_id, id)`,
	`create function live_append_only() returns trigger language plpgsql as $$
		begin raise exception '% is append-only', tg_table_name; end $$`,
	`create trigger live_beats_append_only before update or delete on live_beats
		for each row execute function live_append_only()`,
	`create trigger live_stream_events_append_only before update or delete on live_stream_events
		for each row execute function live_append_only()`,
	`create trigger live_roll_call_answers_append_only before update or delete on live_roll_call_answers
		for each row execute function live_append_only()`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const table of [
		'live_questions',
		'live_roll_call_answers',
		'live_roll_calls',
		'live_beats',
		'live_attendance',
		'live_stream_periods',
		'live_stream_events',
		'live_stream_keys',
		'live_classes'
	]) {
		await sql.raw(`drop table if exists ${table}`).execute(db);
	}
	await sql.raw('drop function if exists live_append_only').execute(db);
}
