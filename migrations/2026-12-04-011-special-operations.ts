import { sql, type Kysely } from 'kysely';

// 特种作业 end to end (issue 13) and the in-app message centre (issue 12): the shared tables the
// capabilities build on. An application (报名) is reviewed (资格审查), sits a theory exam (the existing
// exam engine, at a 考试点 room) and a practical exam (实操, scored by examiners on a sheet), and only then
// may a 特种作业操作证 be proposed for it. Score steps are append-only like exam answer steps.
const statements = [
	// 机构资质: what training an institution may give (issue 12 manages it, issue 13 checks it)
	`create table institution_scopes (
		id serial primary key,
		institution_org_id integer not null references organisations(id),
		-- principal = 主要负责人, safety_manager = 安全生产管理人员, special_operation = one 特种作业 item
		scope text not null check (scope in ('principal', 'safety_manager', 'special_operation')),
		special_operation_code text references special_operations(code),
		filed_with_org_id integer references organisations(id),
		valid_from date not null,
		valid_until date,
		created_by integer references users(id),
		created_at timestamptz not null,
		check ((scope = 'special_operation') = (special_operation_code is not null)),
		check (valid_until is null or valid_until >= valid_from)
	)`,
	`create unique index institution_scopes_unique on institution_scopes(institution_org_id, scope, coalesce(special_operation_code, ''), valid_from)`,

	// 培训班: a cohort an institution trains; its teachers may not examine its candidates (教考分离)
	`create table training_cohorts (
		id serial primary key,
		institution_org_id integer not null references organisations(id),
		special_operation_code text references special_operations(code),
		name text not null check (char_length(name) between 1 and 100),
		starts_on date not null,
		ends_on date not null,
		created_by integer references users(id),
		created_at timestamptz not null,
		check (ends_on >= starts_on)
	)`,
	`create table training_cohort_teachers (
		cohort_id integer not null references training_cohorts(id) on delete cascade,
		user_id integer not null references users(id),
		primary key (cohort_id, user_id)
	)`,

	// 报名: one person, one operation item, one institution
	`create table so_applications (
		id serial primary key,
		person_id integer not null references persons(id),
		special_operation_code text not null references special_operations(code),
		institution_org_id integer not null references organisations(id),
		-- the enterprise that applied for its worker; null when the person applied alone
		enterprise_org_id integer references organisations(id),
		channel text not null check (channel in ('enterprise', 'individual')),
		kind text not null default 'initial' check (kind in ('initial', 'renewal', 'return_to_post')),
		cohort_id integer references training_cohorts(id),
		status text not null check (status in ('submitted', 'returned', 'accepted', 'refused', 'withdrawn')),
		education text check (education in ('primary', 'junior', 'senior', 'vocational', 'college', 'bachelor', 'postgraduate')),
		health_declared_at timestamptz,
		health_declaration_version text,
		exemption text not null default 'none' check (exemption in ('none', 'relevant_education', 'skill_certificate')),
		exemption_evidence_file_id integer references files(id),
		photo_file_id integer references files(id),
		-- sha256 (hex) of the photo's bytes: signed into the certificate so a swapped photo fails verification
		photo_sha256 text check (photo_sha256 is null or photo_sha256 ~ '^[0-9a-f]{64}$'),
		id_front_file_id integer references files(id),
		id_back_file_id integer references files(id),
		-- the 换证 / return-to-post application's earlier certificate
		previous_certificate_id integer references certificates(id),
		-- the eligibility rules' verdict when submitted (codes and sources), for the reviewer
		eligibility jsonb not null default '{}'::jsonb,
		review_reason text check (review_reason is null or char_length(review_reason) between 1 and 300),
		reviewed_by integer references users(id),
		reviewed_at timestamptz,
		submitted_by integer references users(id),
		submitted_at timestamptz not null,
		updated_at timestamptz not null
	)`,
	`create index so_applications_institution on so_applications(institution_org_id, status, submitted_at)`,
	`create index so_applications_person on so_applications(person_id, special_operation_code)`,
	`create unique index so_applications_live on so_applications(person_id, special_operation_code, kind) where status in ('submitted', 'returned', 'accepted')`,

	// 考试点 and its rooms: computer rooms (theory, seats) and practical rooms (stations per item)
	`create table exam_centres (
		id serial primary key,
		institution_org_id integer not null references organisations(id),
		name text not null check (char_length(name) between 1 and 100),
		address text not null check (char_length(address) between 1 and 200),
		region_code text not null references regions(code),
		video_recording boolean not null default false,
		active boolean not null default true,
		created_by integer references users(id),
		created_at timestamptz not null
	)`,
	`create table exam_centre_rooms (
		id serial primary key,
		centre_id integer not null references exam_centres(id),
		kind text not null check (kind in ('computer', 'practical')),
		name text not null check (char_length(name) between 1 and 50),
		-- seats (computer room) or stations (practical room)
		capacity integer not null check (capacity between 1 and 500),
		special_operation_code text references special_operations(code),
		active boolean not null default true,
		check ((kind = 'practical') = (special_operation_code is not null))
	)`,
	`alter table exam_sessions add column room_id integer references exam_centre_rooms(id)`,
	`alter table exam_candidates add column application_id integer references so_applications(id)`,
	`alter table exam_candidates add column seat_no integer check (seat_no is null or seat_no > 0)`,
	`create unique index exam_candidates_seat on exam_candidates(session_id, seat_no) where seat_no is not null`,

	// 实操 scoring sheets as data (subjects, items, deductions, veto items), versioned
	`create table practical_sheets (
		code text not null,
		version integer not null,
		special_operation_code text not null references special_operations(code),
		title text not null,
		-- subjects → items {code, text, points, deductions[], veto}; pass mark; examiners required; tolerance
		definition jsonb not null,
		sources jsonb not null default '[]'::jsonb,
		created_at timestamptz not null,
		primary key (code, version)
	)`,

	`create table practical_sessions (
		id serial primary key,
		institution_org_id integer not null references organisations(id),
		room_id integer not null references exam_centre_rooms(id),
		special_operation_code text not null references special_operations(code),
		sheet_code text not null,
		sheet_version integer not null,
		name text not null check (char_length(name) between 1 and 100),
		opens_at timestamptz not null,
		closes_at timestamptz not null,
		status text not null default 'scheduled' check (status in ('scheduled', 'cancelled')),
		created_by integer references users(id),
		created_at timestamptz not null,
		foreign key (sheet_code, sheet_version) references practical_sheets(code, version),
		check (closes_at > opens_at)
	)`,
	`create index practical_sessions_room on practical_sessions(room_id, opens_at)`,
	`create table practical_session_examiners (
		session_id integer not null references practical_sessions(id) on delete cascade,
		user_id integer not null references users(id),
		primary key (session_id, user_id)
	)`,

	// one candidate's practical exam in one session; attempt_no counts practical attempts of the application
	`create table practical_attempts (
		id serial primary key,
		session_id integer not null references practical_sessions(id),
		application_id integer not null references so_applications(id),
		person_id integer not null references persons(id),
		station_no integer not null check (station_no > 0),
		attempt_no integer not null check (attempt_no > 0),
		status text not null default 'scheduled' check (status in ('scheduled', 'in_progress', 'scored', 'final', 'absent')),
		identity_checked_by integer references users(id),
		identity_checked_at timestamptz,
		started_at timestamptz,
		score numeric(6,2),
		veto boolean,
		passed boolean,
		finalised_at timestamptz,
		published_at timestamptz,
		created_at timestamptz not null,
		unique (session_id, application_id),
		unique (session_id, station_no),
		unique (application_id, attempt_no)
	)`,
	`create index practical_attempts_person on practical_attempts(person_id, created_at)`,

	// Every tick an examiner gives, in order; the same (attempt, examiner, seq) twice is a replay.
	`create table practical_score_steps (
		attempt_id integer not null references practical_attempts(id),
		examiner_user_id integer not null references users(id),
		seq integer not null check (seq > 0),
		item_code text not null,
		-- deduct (points off), veto (否决项 hit), undo (cancels an earlier seq)
		kind text not null check (kind in ('deduct', 'veto', 'undo')),
		points numeric(6,2),
		undo_seq integer,
		note text check (note is null or char_length(note) <= 300),
		client_at timestamptz,
		received_at timestamptz not null,
		primary key (attempt_id, examiner_user_id, seq)
	)`,
	`create table practical_signoffs (
		attempt_id integer not null references practical_attempts(id),
		examiner_user_id integer not null references users(id),
		-- first / second examiner, or the third review when two totals differ beyond the tolerance
		role text not null check (role in ('first', 'second', 'third')),
		score numeric(6,2) not null,
		veto boolean not null,
		signed_at timestamptz not null,
		primary key (attempt_id, examiner_user_id)
	)`,
	`create table practical_corrections (
		id serial primary key,
		attempt_id integer not null references practical_attempts(id),
		by_user integer not null references users(id),
		previous_score numeric(6,2),
		score numeric(6,2) not null,
		previous_passed boolean,
		passed boolean not null,
		reason text not null check (char_length(reason) between 2 and 300),
		at timestamptz not null
	)`,
	`create table practical_evidence (
		id serial primary key,
		attempt_id integer not null references practical_attempts(id),
		item_code text,
		file_id integer not null references files(id),
		by_user integer not null references users(id),
		at timestamptz not null
	)`,
	`create trigger practical_score_steps_no_update before update or delete on practical_score_steps
		for each row execute function exam_history_append_only()`,

	// certificates: the application a 特种作业操作证 was proposed for, with the photo it prints
	`alter table certificates add column application_id integer references so_applications(id)`,
	`alter table certificates add column practical_attempt_id integer references practical_attempts(id)`,
	`alter table certificates add column photo_sha256 text check (photo_sha256 is null or photo_sha256 ~ '^[0-9a-f]{64}$')`,

	// 离岗: a worker away from the post 6 months or more needs a practical re-test (30号令 第三十二条)
	`create table person_post_absences (
		id serial primary key,
		person_id integer not null references persons(id),
		left_on date not null,
		returned_on date,
		recorded_by integer references users(id),
		recorded_at timestamptz not null,
		check (returned_on is null or returned_on >= left_on)
	)`,
	`create index person_post_absences_person on person_post_absences(person_id, left_on)`,

	// 站内消息 (issue 12): one row per message to one account; dedupe_key stops a job retried
	// after a crash from telling someone the same thing twice
	`create table notifications (
		id bigserial primary key,
		user_id integer not null references users(id),
		kind text not null,
		title text not null check (char_length(title) between 1 and 100),
		body text not null check (char_length(body) <= 2000),
		link text check (link is null or link ~ '^/[^/]'),
		dedupe_key text,
		created_at timestamptz not null,
		read_at timestamptz
	)`,
	`create index notifications_user on notifications(user_id, created_at desc)`,
	`create index notifications_unread on notifications(user_id) where read_at is null`,
	`create unique index notifications_dedupe on notifications(user_id, dedupe_key) where dedupe_key is not null`,

	// Outbound messages (SMS, e-mail), sent by the background worker through a configured transport.
	// idempotency_key is unique: a producer retried after a crash queues nothing twice, and the
	// sender marks a row 'sending' before it talks to the transport, so a row is sent at most once.
	`create table outbound_messages (
		id bigserial primary key,
		user_id integer references users(id),
		notification_id bigint references notifications(id),
		channel text not null check (channel in ('sms', 'email')),
		address text not null check (char_length(address) between 3 and 254),
		subject text check (subject is null or char_length(subject) <= 200),
		body text not null check (char_length(body) between 1 and 2000),
		kind text not null,
		idempotency_key text not null unique,
		status text not null default 'queued' check (status in ('queued', 'sending', 'sent', 'failed', 'suppressed')),
		attempts integer not null default 0,
		next_attempt_at timestamptz not null,
		last_error text,
		sent_at timestamptz,
		created_at timestamptz not null
	)`,
	`create index outbound_messages_due on outbound_messages(next_attempt_at) where status in ('queued', 'sending')`,
	`create index outbound_messages_user on outbound_messages(user_id, created_at)`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const statement of [
		'drop table if exists outbound_messages',
		'drop table if exists notifications',
		'drop table if exists person_post_absences',
		'alter table certificates drop column if exists photo_sha256',
		'alter table certificates drop column if exists practical_attempt_id',
		'alter table certificates drop column if exists application_id',
		'drop table if exists practical_evidence',
		'drop table if exists practical_corrections',
		'drop table if exists practical_signoffs',
		'drop table if exists practical_score_steps',
		'drop table if exists practical_attempts',
		'drop table if exists practical_session_examiners',
		'drop table if exists practical_sessions',
		'drop table if exists practical_sheets',
		'drop index if exists exam_candidates_seat',
		'alter table exam_candidates drop column if exists seat_no',
		'alter table exam_candidates drop column if exists application_id',
		'alter table exam_sessions drop column if exists room_id',
		'drop table if exists exam_centre_rooms',
		'drop table if exists exam_centres',
		'drop table if exists so_applications',
		'drop table if exists training_cohort_teachers',
		'drop table if exists training_cohorts',
		'drop table if exists institution_scopes'
	]) {
		await sql.raw(statement).execute(db);
	}
}
