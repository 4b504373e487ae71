import { sql, type Kysely } from 'kysely';

// Notifications (issue 12): where a person's e-mail lives, and what they chose not to receive by
// SMS or e-mail. The message and outbound tables themselves are in 011; their attempts,
// next_attempt_at (also the lease of a row being sent), sent_at and last_error are all the sender needs.
const statements = [
	`alter table users add column if not exists email text check (email is null or (char_length(email) between 3 and 254 and email ~ '^[^@\\s]+@[^@\\s]+$'))`,
	`create table notification_opt_outs (
		user_id integer not null references users(id) on delete cascade,
		kind text not null check (char_length(kind) between 1 and 50),
		channel text not null check (channel in ('sms', 'email')),
		created_at timestamptz not null,
		primary key (user_id, kind, channel)
	)`,
	// the daily cap counts a person's sends of one day
	`create index outbound_messages_user_sent on outbound_messages(user_id, sent_at) where sent_at is not null`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const statement of ['drop index if exists outbound_messages_user_sent', 'drop table if exists notification_opt_outs', 'alter table users drop column if exists email']) {
		await sql.raw(statement).execute(db);
	}
}
