import { sql, type Kysely } from 'kysely';

// Frozen. Study sessions and worked-through findings (issue 20, items 7 and 10).
//
// study_leases.released_at: a lesson page that is closed or reloaded gives its lease up (a
// beacon on pagehide), so the next page starts a new study session at once instead of being
// told for 35 s that "another page" is counting.
//
// finding_decisions: findings are computed by rules (src/lib/server/findings/findings.query.ts);
// a finding's identity is its key (rule + subject). Each decision about it — handled, dismissed
// with a reason, sent to the enterprise as 督办, rectified by the enterprise — is one row,
// append-only; the latest row by id is the finding's status.
const statements = [
	`alter table study_leases add column released_at timestamptz`,

	`create table finding_decisions (
		id serial primary key,
		finding_key text not null check (char_length(finding_key) between 1 and 300),
		rule text not null check (char_length(rule) between 1 and 50),
		status text not null check (status in ('handled', 'dismissed', 'supervised', 'rectified')),
		-- dismissed: why; supervised: what the enterprise must do; rectified: the enterprise's reply
		note text check (note is null or char_length(note) <= 1000),
		-- supervised: the enterprise must answer by this date
		due_on date,
		-- the enterprise a 督办 is sent to (copied onto its reply)
		org_id integer references organisations(id),
		-- what the finding said when decided: the enterprise cannot recompute a regulator's rules
		subject text not null check (char_length(subject) <= 300),
		detail text not null check (char_length(detail) <= 2000),
		decided_by integer references users(id),
		decided_org_id integer not null references organisations(id),
		decided_at timestamptz not null,
		check (status <> 'dismissed' or char_length(btrim(coalesce(note, ''))) > 0),
		check (status <> 'supervised' or (org_id is not null and due_on is not null and char_length(btrim(coalesce(note, ''))) > 0)),
		check (status <> 'rectified' or (org_id is not null and char_length(btrim(coalesce(note, ''))) > 0))
	)`,
	`create index finding_decisions_key on finding_decisions(finding_key, id)`,
	`create index finding_decisions_org on finding_decisions(org_id, id) where org_id is not null`,
	`create function finding_decisions_append_only() returns trigger language plpgsql as $$
		begin raise exception 'finding_decisions is append-only'; end $$`,
	`create trigger finding_decisions_no_update before update or delete on finding_decisions
		for each row execute function finding_decisions_append_only()`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql.raw(`drop table if exists finding_decisions`).execute(db);
	await sql.raw(`drop function if exists finding_decisions_append_only`).execute(db);
	await sql.raw(`alter table study_leases drop column if exists released_at`).execute(db);
}
