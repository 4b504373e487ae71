import { sql, type Kysely } from 'kysely';

// Frozen. A batch application (报名) from an enterprise's staff list is created before its
// materials (证件照, 身份证, 学历, 健康承诺) are attached: such a row is a 'draft' until the
// enterprise submits it. A draft counts as live (one open application per person, item and kind).
export async function up(db: Kysely<any>): Promise<void> {
	await sql`alter table so_applications drop constraint so_applications_status_check`.execute(db);
	await sql`alter table so_applications add constraint so_applications_status_check
		check (status in ('draft', 'submitted', 'returned', 'accepted', 'refused', 'withdrawn'))`.execute(db);
	await sql`drop index so_applications_live`.execute(db);
	await sql`create unique index so_applications_live on so_applications(person_id, special_operation_code, kind)
		where status in ('draft', 'submitted', 'returned', 'accepted')`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index so_applications_live`.execute(db);
	await sql`create unique index so_applications_live on so_applications(person_id, special_operation_code, kind)
		where status in ('submitted', 'returned', 'accepted')`.execute(db);
	await sql`alter table so_applications drop constraint so_applications_status_check`.execute(db);
	await sql`alter table so_applications add constraint so_applications_status_check
		check (status in ('submitted', 'returned', 'accepted', 'refused', 'withdrawn'))`.execute(db);
}
