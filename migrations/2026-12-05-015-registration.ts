import { sql, type Kysely } from 'kysely';

// 实名注册 (issue 12): an enterprise applies; the regulator of its region (or the platform admin)
// confirms or refuses. And merging a duplicate enterprise: the duplicate keeps its row (history,
// certificates printed with its name) but points at the record it was merged into.
const statements = [
	`create table registration_applications (
		id serial primary key,
		credit_code text not null check (char_length(credit_code) = 18),
		name text not null check (char_length(name) between 1 and 100),
		region_code text not null references regions(code),
		industry_code text not null references industries(code),
		address text not null check (char_length(address) between 1 and 200),
		contact_name text not null check (char_length(contact_name) between 1 and 50),
		contact_id_number text not null check (char_length(contact_id_number) = 18),
		contact_mobile text not null check (contact_mobile ~ '^1[3-9][0-9]{9}$'),
		contact_role_category text not null check (contact_role_category in ('principal', 'controller', 'deputy', 'safety_manager', 'frontline')),
		status text not null default 'pending' check (status in ('pending', 'confirmed', 'refused')),
		reason text check (char_length(reason) <= 500),
		ip text,
		created_at timestamptz not null,
		decided_by integer references users(id),
		decided_at timestamptz,
		created_org_id integer references organisations(id),
		check ((status = 'pending') = (decided_at is null)),
		check (status <> 'refused' or reason is not null),
		check ((status = 'confirmed') = (created_org_id is not null))
	)`,
	// at most one pending application per credit code: the second applicant is told to wait
	`create unique index registration_applications_pending on registration_applications(credit_code) where status = 'pending'`,
	`create index registration_applications_region on registration_applications(region_code, status)`,
	`alter table organisations add column merged_into integer references organisations(id)`,
	`alter table organisations add column merged_at timestamptz`,
	`alter table organisations add constraint organisations_merged_check check ((merged_into is null) = (merged_at is null) and (merged_into is null or merged_into <> id))`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const s of statements) await sql.raw(s).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`alter table organisations drop constraint if exists organisations_merged_check`.execute(db);
	await sql`alter table organisations drop column if exists merged_at`.execute(db);
	await sql`alter table organisations drop column if exists merged_into`.execute(db);
	await sql`drop table if exists registration_applications`.execute(db);
}
