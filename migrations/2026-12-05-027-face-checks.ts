import { sql, type Kysely } from 'kysely';

// Issue 16: identity verification by face (人像抓拍, 人脸比对, 活体).
// - face_consents: the person's separate consent (单独同意) and its withdrawal, append-only, with
//   the version of the text shown.
// - face_references: the reference face (证件照 of a 特种作业 application, or a 3-frame capture
//   confirmed by the enterprise admin); image and embedding AES-GCM encrypted (bytea).
// - face_checks: one row per photo checked (study, exam start, enrolment); the outcome and scores
//   stay with the training record; the encrypted photo is cleared after the retention period
//   unless attached to a finding or a review (image_enc null). (person_id, image_sha256) is unique:
//   the same bytes uploaded twice count once.
// - face_reviews: 本人/非本人/无法判断 decided by an enterprise admin or examiner, append-only.
// - face_signins: the alternative for a person who does not consent: in-person sign-in recorded
//   by an examiner or enterprise admin.
// study_checks gain a kind ('attention' | 'face'); study_events gain kind 'face_check'.
const appendOnly = (table: string) => [
	`create function ${table}_append_only() returns trigger language plpgsql as $$
		begin raise exception '${table} is append-only'; end $$`,
	`create trigger ${table}_no_update before update or delete on ${table}
		for each row execute function ${table}_append_only()`
];

const statements = [
	`create table face_consents (
		id serial primary key,
		person_id integer not null references persons(id),
		action text not null check (action in ('given', 'withdrawn')),
		text_version text not null check (char_length(text_version) between 1 and 20),
		at timestamptz not null,
		user_id integer references users(id),
		ip text
	)`,
	`create index face_consents_person on face_consents(person_id, id)`,
	...appendOnly('face_consents'),
	`create table face_references (
		id serial primary key,
		person_id integer not null references persons(id),
		source text not null check (source in ('special_ops_photo', 'capture')),
		image_enc bytea not null,
		embedding_enc bytea not null,
		status text not null check (status in ('pending', 'confirmed', 'revoked')),
		created_at timestamptz not null,
		confirmed_by integer references users(id),
		confirmed_at timestamptz
	)`,
	`create index face_references_person on face_references(person_id) where status <> 'revoked'`,
	`create table face_checks (
		id serial primary key,
		person_id integer not null references persons(id),
		context text not null check (context in ('study', 'exam', 'enrolment')),
		enrolment_id integer references enrolments(id),
		lesson_id integer references lessons(id),
		study_check_id integer references study_checks(id),
		attempt_id integer references exam_attempts(id),
		reference_id integer references face_references(id),
		at timestamptz not null,
		outcome text not null check (outcome in ('matched', 'no_face', 'several_faces', 'different_person', 'spoof', 'camera_unavailable')),
		score numeric(4,2),
		real numeric(4,2),
		live numeric(4,2),
		image_sha256 text,
		image_enc bytea,
		embedding_enc bytea,
		kept_for_finding boolean not null default false,
		unique (person_id, image_sha256)
	)`,
	`create index face_checks_person on face_checks(person_id, at)`,
	`create index face_checks_open_review on face_checks(at) where outcome <> 'matched'`,
	`create table face_reviews (
		id serial primary key,
		check_id integer not null references face_checks(id),
		decision text not null check (decision in ('self', 'other', 'unsure')),
		decided_by integer not null references users(id),
		at timestamptz not null,
		note text check (note is null or char_length(note) <= 500)
	)`,
	`create index face_reviews_check on face_reviews(check_id)`,
	...appendOnly('face_reviews'),
	`create table face_signins (
		id serial primary key,
		person_id integer not null references persons(id),
		recorded_by integer not null references users(id),
		org_id integer not null references organisations(id),
		at timestamptz not null,
		note text check (note is null or char_length(note) <= 500)
	)`,
	...appendOnly('face_signins'),
	`alter table study_checks add column kind text not null default 'attention' check (kind in ('attention', 'face'))`,
	`alter table study_events drop constraint study_events_kind_check`,
	`alter table study_events add constraint study_events_kind_check
		check (kind in ('beat', 'refused', 'check_issued', 'check_passed', 'check_missed', 'lesson_completed', 'face_check'))`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql.raw(`alter table study_events drop constraint study_events_kind_check`).execute(db);
	await sql.raw(`alter table study_events add constraint study_events_kind_check check (kind in ('beat', 'refused', 'check_issued', 'check_passed', 'check_missed', 'lesson_completed'))`).execute(db);
	await sql.raw(`alter table study_checks drop column kind`).execute(db);
	for (const t of ['face_signins', 'face_reviews', 'face_checks', 'face_references', 'face_consents']) await sql.raw(`drop table if exists ${t} cascade`).execute(db);
	for (const t of ['face_signins', 'face_reviews', 'face_consents']) await sql.raw(`drop function if exists ${t}_append_only()`).execute(db);
}
