import { sql, type Kysely } from 'kysely';

// Operating organisations (issue 12): an organisation can be suspended (停用) and reactivated. A
// suspended organisation keeps every record; its accounts cannot sign in and their sessions end.
// Enterprises also record an address and a legal representative. 机构资质 (scope, filing regulator,
// validity) lives in institution_scopes (migration 011), one row per scope item.
const statements = [
	`alter table organisations add column status text not null default 'active' check (status in ('active', 'suspended'))`,
	`alter table organisations add column address text check (char_length(address) <= 200)`,
	`alter table organisations add column legal_rep text check (char_length(legal_rep) <= 50)`,
	`alter table organisations add column suspended_at timestamptz`,
	`alter table organisations add column suspended_reason text check (char_length(suspended_reason) <= 500)`,
	`alter table organisations add constraint organisations_suspension_check
		check ((status = 'suspended') = (suspended_at is not null and suspended_reason is not null))`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const statement of [
		'alter table organisations drop constraint if exists organisations_suspension_check',
		'alter table organisations drop column if exists suspended_reason',
		'alter table organisations drop column if exists suspended_at',
		'alter table organisations drop column if exists legal_rep',
		'alter table organisations drop column if exists address',
		'alter table organisations drop column if exists status'
	]) {
		await sql.raw(statement).execute(db);
	}
}
