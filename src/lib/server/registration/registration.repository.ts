import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { RoleCategory } from '../../domain/labels.ts';

// All SQL of 实名注册. `regionPath` null means the platform admin (every region).

export async function findOrganisationByCreditCode(db: Db, creditCode: string) {
	return db.selectFrom('organisations').select(['id', 'name']).where('credit_code', '=', creditCode).executeTakeFirst();
}

export async function findPendingApplicationByCreditCode(db: Db, creditCode: string) {
	return db.selectFrom('registration_applications').select('id').where('credit_code', '=', creditCode).where('status', '=', 'pending').executeTakeFirst();
}

export async function findRegion(db: Db, code: string) {
	return db.selectFrom('regions').select(['code', 'name', 'level', 'parent_code', 'path']).where('code', '=', code).executeTakeFirst();
}

/** Districts (区县, 功能区) and their 乡镇/街道, for the form's two selects. */
export async function listRegistrationRegions(db: Db) {
	return db
		.selectFrom('regions')
		.select(['code', 'name', 'level', 'parent_code'])
		.where('level', 'in', ['district', 'functional', 'town'])
		.orderBy('sort')
		.orderBy('code')
		.execute();
}

export async function listIndustries(db: Db) {
	return db.selectFrom('industries').select(['code', 'name', 'parent_code', 'high_risk']).orderBy('sort').orderBy('code').execute();
}

export async function findIndustry(db: Db, code: string) {
	return db.selectFrom('industries').select(['code', 'name', 'high_risk']).where('code', '=', code).executeTakeFirst();
}

/** The nearest regulator whose region contains this one (deepest first). */
export async function findRegulatorFor(db: Db, regionPath: string): Promise<string | null> {
	const row = await db
		.selectFrom('organisations as o')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.select('o.name')
		.where('o.kind', '=', 'regulator')
		.where(sql<boolean>`${regionPath} like r.path || '%'`)
		.orderBy(sql`char_length(r.path)`, 'desc')
		.orderBy('o.id')
		.limit(1)
		.executeTakeFirst();
	return row?.name ?? null;
}

export type NewApplication = {
	creditCode: string;
	name: string;
	regionCode: string;
	industryCode: string;
	address: string;
	contactName: string;
	contactIdNumber: string;
	contactMobile: string;
	contactRole: RoleCategory;
	ip: string;
	now: Date;
};

export async function insertApplication(db: Db, a: NewApplication): Promise<number> {
	const row = await db
		.insertInto('registration_applications')
		.values({
			credit_code: a.creditCode,
			name: a.name,
			region_code: a.regionCode,
			industry_code: a.industryCode,
			address: a.address,
			contact_name: a.contactName,
			contact_id_number: a.contactIdNumber,
			contact_mobile: a.contactMobile,
			contact_role_category: a.contactRole,
			ip: a.ip,
			created_at: a.now
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

/** The newest application with this credit code and contact mobile. */
export async function findApplicationStatus(db: Db, creditCode: string, mobile: string) {
	return db
		.selectFrom('registration_applications')
		.select(['id', 'name', 'status', 'reason', 'created_at', 'decided_at'])
		.where('credit_code', '=', creditCode)
		.where('contact_mobile', '=', mobile)
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
}

function applications(db: Db, regionPath: string | null) {
	let q = db
		.selectFrom('registration_applications as a')
		.innerJoin('regions as r', 'r.code', 'a.region_code')
		.innerJoin('industries as i', 'i.code', 'a.industry_code');
	if (regionPath !== null) q = q.where('r.path', 'like', `${regionPath}%`);
	return q;
}

export async function listApplications(db: Db, regionPath: string | null, status: 'pending' | 'decided') {
	let q = applications(db, regionPath).select([
		'a.id',
		'a.credit_code',
		'a.name',
		'r.name as region_name',
		'i.name as industry_name',
		'a.contact_name',
		'a.status',
		'a.created_at',
		'a.decided_at'
	]);
	q = status === 'pending' ? q.where('a.status', '=', 'pending').orderBy('a.id') : q.where('a.status', '<>', 'pending').orderBy('a.decided_at', 'desc');
	return q.limit(200).execute();
}

export async function getApplication(db: Db, id: number, regionPath: string | null) {
	return applications(db, regionPath)
		.leftJoin('users as u', 'u.id', 'a.decided_by')
		.select([
			'a.id',
			'a.credit_code',
			'a.name',
			'a.region_code',
			'r.name as region_name',
			'r.path as region_path',
			'a.industry_code',
			'i.name as industry_name',
			'i.high_risk',
			'a.address',
			'a.contact_name',
			'a.contact_id_number',
			'a.contact_mobile',
			'a.contact_role_category',
			'a.status',
			'a.reason',
			'a.created_at',
			'a.decided_at',
			'u.display_name as decided_by_name',
			'a.created_org_id'
		])
		.where('a.id', '=', id)
		.executeTakeFirst();
}

export async function lockApplication(db: Db, id: number): Promise<void> {
	await db.selectFrom('registration_applications').select('id').where('id', '=', id).forUpdate().execute();
}

/** The organisation whose staff list holds this 身份证号 (persons.id_number is unique platform-wide). */
export async function findPersonOrgByIdNumber(db: Db, idNumber: string) {
	return db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.select(['p.id', 'o.name as org_name'])
		.where('p.id_number', '=', idNumber)
		.executeTakeFirst();
}

export async function loginTaken(db: Db, mobile: string, idNumber: string): Promise<boolean> {
	const row = await db
		.selectFrom('users')
		.select('id')
		.where((eb) => eb.or([eb('mobile', '=', mobile), eb('id_number', '=', idNumber)]))
		.limit(1)
		.executeTakeFirst();
	return row !== undefined;
}

export async function insertEnterprise(db: Db, o: { name: string; creditCode: string; regionCode: string; industryCode: string; now: Date }): Promise<number> {
	const row = await db
		.insertInto('organisations')
		.values({ kind: 'enterprise', name: o.name, credit_code: o.creditCode, region_code: o.regionCode, industry_code: o.industryCode, created_at: sql<Date>`${o.now}::timestamptz` })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function insertContactPerson(db: Db, p: { name: string; idNumber: string; mobile: string; orgId: number; roleCategory: RoleCategory; now: Date }): Promise<number> {
	const row = await db
		.insertInto('persons')
		.values({ name: p.name, id_number: p.idNumber, mobile: p.mobile, org_id: p.orgId, role_category: p.roleCategory, created_at: sql<Date>`${p.now}::timestamptz` })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function insertEnterpriseAdmin(
	db: Db,
	a: { personId: number; orgId: number; displayName: string; mobile: string; idNumber: string; passwordHash: string; now: Date }
): Promise<number> {
	const user = await db
		.insertInto('users')
		.values({
			person_id: a.personId,
			display_name: a.displayName,
			mobile: a.mobile,
			id_number: a.idNumber,
			password_hash: a.passwordHash,
			// the forced change on first login (guards.ts → /account/password)
			must_change_password: true,
			created_at: sql<Date>`${a.now}::timestamptz`
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	await db.insertInto('memberships').values({ user_id: user.id, role: 'enterprise_admin', org_id: a.orgId }).execute();
	return user.id;
}

export async function markDecided(
	db: Db,
	id: number,
	d: { status: 'confirmed' | 'refused'; reason: string | null; userId: number; orgId: number | null; now: Date }
): Promise<boolean> {
	const r = await db
		.updateTable('registration_applications')
		.set({ status: d.status, reason: d.reason, decided_by: d.userId, decided_at: d.now, created_org_id: d.orgId })
		.where('id', '=', id)
		.where('status', '=', 'pending')
		.executeTakeFirst();
	return Number(r.numUpdatedRows) === 1;
}

export async function districtHasTowns(db: Db, district: string): Promise<boolean> {
	const row = await db.selectFrom('regions').select('code').where('parent_code', '=', district).where('level', '=', 'town').limit(1).executeTakeFirst();
	return row !== undefined;
}
