import { sql, type Kysely } from 'kysely';

// Issue 12, accounts and roles: when an account last signed in and when it was disabled
// (users.disabled stays the flag login and sessions check), which device and address each
// session belongs to, and one-time password reset codes (only a hash is stored).
const statements = [
	`alter table users add column last_login_at timestamptz`,
	`alter table users add column disabled_at timestamptz`,
	`update users set disabled_at = created_at where disabled`,
	`alter table sessions add column user_agent text check (user_agent is null or char_length(user_agent) <= 300)`,
	`alter table sessions add column ip text check (ip is null or char_length(ip) <= 100)`,
	`alter table sessions add column last_seen_at timestamptz`,
	`create table password_resets (
		id serial primary key,
		user_id integer not null references users(id),
		code_hash text not null,
		-- the admin who issued it; null for self-service codes
		issued_by integer references users(id),
		channel text not null check (channel in ('admin', 'self')),
		expires_at timestamptz not null,
		used_at timestamptz,
		-- a newer code for the same account replaces this one
		revoked_at timestamptz,
		created_at timestamptz not null,
		check ((channel = 'admin') = (issued_by is not null))
	)`,
	`create index password_resets_user on password_resets(user_id, created_at)`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const statement of [
		'drop table if exists password_resets',
		'alter table sessions drop column if exists last_seen_at',
		'alter table sessions drop column if exists ip',
		'alter table sessions drop column if exists user_agent',
		'alter table users drop column if exists disabled_at',
		'alter table users drop column if exists last_login_at'
	]) {
		await sql.raw(statement).execute(db);
	}
}
