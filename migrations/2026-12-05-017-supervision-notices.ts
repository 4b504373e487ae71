import { sql, type Kysely } from 'kysely';

// Regulator 督办 notices about coverage gaps (issue 12). A regulator sends one notice, from one
// target's dashboard at one region node, to chosen enterprises below the goal. Each recipient row
// keeps the enterprise's gap as it was when sent (required/covered per role category), so "gap at
// sending" never changes; "gap now" is read from the maintained coverage counts.
// Notices are append-only. A recipient row is written once at sending; afterwards only its
// read_at (first opened by an enterprise admin) and its acknowledgement may be filled in, once.
const statements = [
	`create table supervision_notices (
		id serial primary key,
		regulator_org_id integer not null references organisations(id),
		-- the node the gap list was taken from (inside the sender's region): tenancy of the notice
		region_code text not null references regions(code),
		target_id integer not null references coverage_targets(id),
		target_title text not null check (char_length(target_title) between 1 and 200),
		goal_percent numeric not null check (goal_percent > 0 and goal_percent <= 100),
		title text not null check (char_length(title) between 1 and 100),
		body text not null check (char_length(body) between 1 and 2000),
		deadline date not null,
		created_by integer not null references users(id),
		created_at timestamptz not null
	)`,
	`create index supervision_notices_region on supervision_notices(region_code, id)`,
	`create table supervision_notice_recipients (
		notice_id integer not null references supervision_notices(id),
		org_id integer not null references organisations(id),
		org_name text not null,
		required integer not null check (required >= 0),
		covered integer not null check (covered >= 0),
		-- [{"role": "principal", "required": 5, "covered": 2}, …] at sending
		by_role jsonb not null,
		read_at timestamptz,
		acknowledged_at timestamptz,
		acknowledged_by integer references users(id),
		ack_note text check (ack_note is null or char_length(ack_note) <= 500),
		primary key (notice_id, org_id),
		check ((acknowledged_at is null) = (acknowledged_by is null)),
		check (ack_note is null or acknowledged_at is not null)
	)`,
	`create index supervision_notice_recipients_org on supervision_notice_recipients(org_id, notice_id)`,
	`create function supervision_notices_append_only() returns trigger language plpgsql as $$
		begin raise exception 'supervision_notices is append-only'; end $$`,
	`create trigger supervision_notices_no_update before update or delete on supervision_notices
		for each row execute function supervision_notices_append_only()`,
	`create function supervision_notice_recipients_guard() returns trigger language plpgsql as $$
		begin
			if tg_op = 'DELETE' then raise exception 'supervision_notice_recipients is append-only'; end if;
			if (new.notice_id, new.org_id, new.org_name, new.required, new.covered, new.by_role)
				is distinct from (old.notice_id, old.org_id, old.org_name, old.required, old.covered, old.by_role) then
				raise exception 'the gap at sending cannot change';
			end if;
			if old.read_at is not null and new.read_at is distinct from old.read_at then
				raise exception 'read_at is set once';
			end if;
			if old.acknowledged_at is not null and (new.acknowledged_at, new.acknowledged_by, new.ack_note)
				is distinct from (old.acknowledged_at, old.acknowledged_by, old.ack_note) then
				raise exception 'a notice is acknowledged once';
			end if;
			return new;
		end $$`,
	`create trigger supervision_notice_recipients_once before update or delete on supervision_notice_recipients
		for each row execute function supervision_notice_recipients_guard()`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const statement of [
		'drop table if exists supervision_notice_recipients',
		'drop table if exists supervision_notices',
		'drop function if exists supervision_notice_recipients_guard',
		'drop function if exists supervision_notices_append_only'
	]) {
		await sql.raw(statement).execute(db);
	}
}
