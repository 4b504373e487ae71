import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { PersonInput } from '../../schemas/person.ts';
import type { RoleCategory } from '../../domain/labels.ts';

// All SQL that writes persons (and the user account linked to a person). Reads for pages are
// in people.query.ts.

// Any constant: serialises person writes, because 手机号 uniqueness is a rule of ours, not a
// database constraint, and two imports must not both pass the check and then both insert.
const PERSON_WRITE_LOCK_KEY = 7_320_413;
/** Rows per INSERT … SELECT FROM unnest(…): one parameter per column whatever the row count. */
const INSERT_CHUNK = 10_000;

/**
 * `now` for a timestamptz column that has a default: schema.ts types such columns as
 * Generated<ColumnType<Date, …>>, which Kysely will not accept a Date for.
 */
export function timestamp(now: Date) {
	return sql<Date>`${now}::timestamptz`;
}

export async function lockPersonWrites(db: Db): Promise<void> {
	await sql`select pg_advisory_xact_lock(${PERSON_WRITE_LOCK_KEY})`.execute(db);
}

export type PersonKeyRow = { id: number; org_id: number; name: string; id_number: string; mobile: string | null };

export async function findPersonsByIdNumbers(db: Db, idNumbers: string[]): Promise<PersonKeyRow[]> {
	if (!idNumbers.length) return [];
	return db
		.selectFrom('persons')
		.select(['id', 'org_id', 'name', 'id_number', 'mobile'])
		.where(sql<boolean>`id_number = any(${idNumbers}::text[])`)
		.execute();
}

export async function findPersonsByMobiles(db: Db, mobiles: string[]): Promise<PersonKeyRow[]> {
	if (!mobiles.length) return [];
	return db
		.selectFrom('persons')
		.select(['id', 'org_id', 'name', 'id_number', 'mobile'])
		.where(sql<boolean>`mobile = any(${mobiles}::text[])`)
		.execute();
}

export type UserKeyRow = { id: number; person_id: number | null; id_number: string | null; mobile: string | null };

/** User accounts that sign in with one of these ID numbers or mobiles. */
export async function findUsersByLogins(db: Db, logins: { idNumbers: string[]; mobiles: string[] }): Promise<UserKeyRow[]> {
	if (!logins.idNumbers.length && !logins.mobiles.length) return [];
	return db
		.selectFrom('users')
		.select(['id', 'person_id', 'id_number', 'mobile'])
		.where(sql<boolean>`(id_number = any(${logins.idNumbers}::text[]) or mobile = any(${logins.mobiles}::text[]))`)
		.execute();
}

/** Bulk insert with INSERT … SELECT FROM unnest(…), 7 parameters a statement. */
export async function insertPersons(db: Db, orgId: number, persons: PersonInput[], now: Date): Promise<number> {
	let inserted = 0;
	for (let i = 0; i < persons.length; i += INSERT_CHUNK) {
		const chunk = persons.slice(i, i + INSERT_CHUNK);
		const col = <K extends keyof PersonInput>(k: K) => chunk.map((p) => p[k]);
		const result = await sql`
			insert into persons (name, id_number, mobile, role_category, special_operation_code, position, hired_on, org_id, created_at)
			select t.name, t.id_number, t.mobile, t.role_category, t.special_operation_code, t.position, t.hired_on, ${orgId}::integer, ${now}::timestamptz
			from unnest(
				${col('name')}::text[], ${col('idNumber')}::text[], ${col('mobile')}::text[], ${col('roleCategory')}::text[],
				${col('specialOperationCode')}::text[], ${col('position')}::text[], ${col('hiredOn')}::date[]
			) as t(name, id_number, mobile, role_category, special_operation_code, position, hired_on)
		`.execute(db);
		inserted += Number(result.numAffectedRows ?? 0);
	}
	return inserted;
}

export async function insertPerson(db: Db, orgId: number, p: PersonInput, now: Date): Promise<number> {
	const row = await db
		.insertInto('persons')
		.values({
			name: p.name,
			id_number: p.idNumber,
			mobile: p.mobile,
			org_id: orgId,
			role_category: p.roleCategory,
			special_operation_code: p.specialOperationCode,
			position: p.position,
			hired_on: p.hiredOn,
			created_at: timestamp(now)
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export type PersonRow = {
	id: number;
	name: string;
	id_number: string;
	mobile: string | null;
	role_category: RoleCategory;
	special_operation_code: string | null;
	position: string | null;
	hired_on: string | null;
	active: boolean;
};

/** The person if it belongs to `orgId` (tenant check inside the query), locked for the caller's transaction. */
export async function findPersonForUpdate(db: Db, orgId: number, personId: number): Promise<PersonRow | undefined> {
	return db
		.selectFrom('persons')
		.select(['id', 'name', 'id_number', 'mobile', 'role_category', 'special_operation_code', 'position', 'hired_on', 'active'])
		.where('org_id', '=', orgId)
		.where('id', '=', personId)
		.forUpdate()
		.executeTakeFirst();
}

export async function updatePersonRow(
	db: Db,
	personId: number,
	p: Pick<PersonRow, 'name' | 'id_number' | 'mobile' | 'role_category' | 'special_operation_code' | 'position' | 'hired_on'>
): Promise<void> {
	await db.updateTable('persons').set(p).where('id', '=', personId).execute();
}

export async function setPersonActiveRow(db: Db, personId: number, active: boolean): Promise<void> {
	await db.updateTable('persons').set({ active }).where('id', '=', personId).execute();
}

export type LinkedUserRow = { id: number; display_name: string; id_number: string | null; mobile: string | null; disabled: boolean };

export async function findUserOfPerson(db: Db, personId: number): Promise<LinkedUserRow | undefined> {
	return db
		.selectFrom('users')
		.select(['id', 'display_name', 'id_number', 'mobile', 'disabled'])
		.where('person_id', '=', personId)
		.forUpdate()
		.executeTakeFirst();
}

export async function updateUserIdentity(db: Db, userId: number, u: { display_name: string; id_number: string | null; mobile: string | null }): Promise<void> {
	await db.updateTable('users').set(u).where('id', '=', userId).execute();
}

export async function setUserDisabled(db: Db, userId: number, disabled: boolean): Promise<void> {
	await db.updateTable('users').set({ disabled }).where('id', '=', userId).execute();
}

export async function specialOperationExists(db: Db, code: string): Promise<boolean> {
	const row = await db.selectFrom('special_operations').select('code').where('code', '=', code).executeTakeFirst();
	return row !== undefined;
}
