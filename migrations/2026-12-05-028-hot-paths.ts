import { sql, type Kysely } from 'kysely';

// Issue 17: a validated session may be cached for a few seconds per process
// (src/lib/server/auth/session-cache.ts). These triggers make that exact: whatever changes what a
// session grants sends NOTIFY anxun_sessions (delivered at commit, to every instance), naming
// what to forget: s:<session id>, u:<user id>, m:<membership id>, o:<organisation id>, * (all).
// Only the columns a validated session carries are watched, so the sliding last_seen_at /
// expires_at writes do not notify.
const statements = [
	`create function anxun_notify_sessions() returns trigger language plpgsql as $$
	begin
		if tg_table_name = 'sessions' then
			perform pg_notify('anxun_sessions', 's:' || old.id);
		elsif tg_table_name = 'users' then
			perform pg_notify('anxun_sessions', 'u:' || old.id);
		elsif tg_table_name = 'memberships' then
			perform pg_notify('anxun_sessions', 'm:' || old.id);
		elsif tg_table_name = 'organisations' then
			perform pg_notify('anxun_sessions', 'o:' || old.id);
		else
			perform pg_notify('anxun_sessions', '*');
		end if;
		return null;
	end $$`,
	`create trigger sessions_notify_delete after delete on sessions for each row execute function anxun_notify_sessions()`,
	`create trigger sessions_notify_update after update of membership_id, user_id, secret_hash on sessions for each row execute function anxun_notify_sessions()`,
	`create trigger users_notify after update on users for each row
		when (old.disabled is distinct from new.disabled or old.display_name is distinct from new.display_name
			or old.person_id is distinct from new.person_id or old.must_change_password is distinct from new.must_change_password)
		execute function anxun_notify_sessions()`,
	`create trigger users_notify_delete after delete on users for each row execute function anxun_notify_sessions()`,
	`create trigger memberships_notify after update or delete on memberships for each row execute function anxun_notify_sessions()`,
	`create trigger organisations_notify after update on organisations for each row
		when (old.status is distinct from new.status or old.name is distinct from new.name
			or old.kind is distinct from new.kind or old.region_code is distinct from new.region_code)
		execute function anxun_notify_sessions()`,
	`create trigger organisations_notify_delete after delete on organisations for each row execute function anxun_notify_sessions()`,
	`create trigger regions_notify after update or delete on regions for each statement execute function anxun_notify_sessions()`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const [trigger, table] of [
		['sessions_notify_delete', 'sessions'],
		['sessions_notify_update', 'sessions'],
		['users_notify', 'users'],
		['users_notify_delete', 'users'],
		['memberships_notify', 'memberships'],
		['organisations_notify', 'organisations'],
		['organisations_notify_delete', 'organisations'],
		['regions_notify', 'regions']
	]) {
		await sql.raw(`drop trigger if exists ${trigger} on ${table}`).execute(db);
	}
	await sql`drop function if exists anxun_notify_sessions()`.execute(db);
}
