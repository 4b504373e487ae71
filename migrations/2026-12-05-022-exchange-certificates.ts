import { sql, type Kysely } from 'kysely';

// Frozen. 特种作业操作证 issued elsewhere (another province, the national system), imported through
// the data-exchange adapter so the worker counts as 持证 here. Not signed by this platform: kept
// apart from certificates (which are all ours and verifiable) and never printed or verified here.
const statements = [
	`create table external_certificates (
		id serial primary key,
		person_id integer not null references persons(id),
		number text not null check (char_length(number) between 4 and 64),
		special_operation_code text not null references special_operations(code),
		holder_name text not null check (char_length(holder_name) between 1 and 50),
		issuing_authority text not null check (char_length(issuing_authority) between 2 and 100),
		issued_on date not null,
		valid_until date not null,
		status text not null check (status in ('valid', 'revoked')),
		-- the adapter the record came through ('file-json-v1', later a real endpoint's name)
		source text not null check (char_length(source) between 1 and 50),
		-- the importing regulator's region
		region_code text not null references regions(code),
		imported_by integer references users(id),
		imported_at timestamptz not null,
		check (valid_until >= issued_on),
		unique (number, issuing_authority)
	)`,
	`create index external_certificates_person on external_certificates(person_id, special_operation_code)`,
	// a certificate record is part of the training archive (migration 018)
	`create trigger external_certificates_retained before delete on external_certificates for each row execute function training_records_retained()`,
	`create trigger external_certificates_retained_truncate before truncate on external_certificates for each statement execute function training_records_retained()`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql.raw('drop table if exists external_certificates').execute(db);
}
