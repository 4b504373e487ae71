import { sql, type Kysely } from 'kysely';

// Enterprise directory import (企业名录, issue 12): an enterprise's contact person and phone.
// address and legal_rep are also added by migration 012 (organisation administration); `if not
// exists` makes this migration a no-op for them when 012 ran first, and lets this branch stand alone.
const statements = [
	`alter table organisations add column if not exists address text check (char_length(address) <= 200)`,
	`alter table organisations add column if not exists legal_rep text check (char_length(legal_rep) <= 50)`,
	`alter table organisations add column contact_name text check (char_length(contact_name) <= 50)`,
	`alter table organisations add column contact_phone text check (char_length(contact_phone) <= 20)`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	// address and legal_rep belong to migration 012 when it exists; only our own columns go.
	for (const statement of ['alter table organisations drop column if exists contact_phone', 'alter table organisations drop column if exists contact_name']) {
		await sql.raw(statement).execute(db);
	}
}
