import { sql, type Kysely } from 'kysely';

// Issue 11: the audit log refuses TRUNCATE too, and signed checkpoints of its chain head are
// kept (and published) so an outside copy proves a later rewrite or truncation. Activation
// needs a one-time code (only its hash is stored) besides 身份证号 + 手机号.
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('activation_codes')
		.addColumn('id', 'serial', (c) => c.primaryKey())
		.addColumn('person_id', 'integer', (c) => c.notNull().references('persons.id'))
		.addColumn('code_hash', 'text', (c) => c.notNull())
		.addColumn('channel', 'text', (c) => c.notNull())
		.addColumn('issued_by', 'integer', (c) => c.references('users.id'))
		.addColumn('issued_at', 'timestamptz', (c) => c.notNull())
		.addColumn('expires_at', 'timestamptz', (c) => c.notNull())
		.addColumn('used_at', 'timestamptz')
		.addColumn('revoked_at', 'timestamptz')
		.execute();
	// at most one live code per person: issuing a new one revokes the old one first
	await sql`create unique index activation_codes_live_idx on activation_codes (person_id) where used_at is null and revoked_at is null`.execute(db);

	await sql`create trigger audit_log_no_truncate before truncate on audit_log
		for each statement execute function audit_log_append_only()`.execute(db);

	await db.schema
		.createTable('audit_checkpoints')
		.addColumn('seq', 'integer', (c) => c.primaryKey())
		.addColumn('at', 'timestamptz', (c) => c.notNull())
		.addColumn('last_id', 'bigint', (c) => c.notNull())
		.addColumn('head_hash', 'text', (c) => c.notNull())
		.addColumn('entry_count', 'bigint', (c) => c.notNull())
		.addColumn('prev', 'text', (c) => c.notNull())
		.addColumn('kid', 'text', (c) => c.notNull())
		.addColumn('signature', 'text', (c) => c.notNull())
		.execute();
	await sql`create function audit_checkpoints_append_only() returns trigger language plpgsql as $$
		begin raise exception 'audit_checkpoints is append-only'; end; $$`.execute(db);
	await sql`create trigger audit_checkpoints_no_update before update or delete on audit_checkpoints
		for each row execute function audit_checkpoints_append_only()`.execute(db);
	await sql`create trigger audit_checkpoints_no_truncate before truncate on audit_checkpoints
		for each statement execute function audit_checkpoints_append_only()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await db.schema.dropTable('activation_codes').ifExists().execute();
	await db.schema.dropTable('audit_checkpoints').ifExists().execute();
	await sql`drop function if exists audit_checkpoints_append_only`.execute(db);
	await sql`drop trigger if exists audit_log_no_truncate on audit_log`.execute(db);
}
