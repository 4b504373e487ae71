import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Tx } from '../db/transaction.ts';
import type { ApplicationStatus } from '../../domain/so-application.ts';

// All SQL for 特种作业 applications (报名) and their review (资格审查).

export type { ApplicationStatus };

export async function findOperation(db: Db, code: string) {
	return db.selectFrom('special_operations').select(['code', 'category', 'item']).where('code', '=', code).executeTakeFirst();
}

export async function listOperations(db: Db) {
	return db.selectFrom('special_operations').select(['code', 'category', 'item']).orderBy('sort').execute();
}

/** The institution's 机构资质 row for the item valid on the date (YYYY-MM-DD), if any. */
export async function findScopeOn(db: Db, institutionOrgId: number, code: string, date: string) {
	return db
		.selectFrom('institution_scopes')
		.select(['id', 'valid_from', 'valid_until'])
		.where('institution_org_id', '=', institutionOrgId)
		.where('scope', '=', 'special_operation')
		.where('special_operation_code', '=', code)
		.where('valid_from', '<=', date)
		.where((eb) => eb.or([eb('valid_until', 'is', null), eb('valid_until', '>=', date)]))
		.executeTakeFirst();
}

export async function findInstitution(db: Db, orgId: number) {
	return db.selectFrom('organisations').select(['id', 'name']).where('id', '=', orgId).where('kind', '=', 'institution').executeTakeFirst();
}

/** Institutions with any 特种作业 scope valid on the date, and the items each may train. */
export async function listLicensedInstitutions(db: Db, date: string) {
	const rows = await db
		.selectFrom('institution_scopes as s')
		.innerJoin('organisations as o', 'o.id', 's.institution_org_id')
		.innerJoin('special_operations as so', 'so.code', 's.special_operation_code')
		.select(['o.id', 'o.name', 's.special_operation_code as code', 'so.item'])
		.where('s.scope', '=', 'special_operation')
		.where('o.kind', '=', 'institution')
		.where('s.valid_from', '<=', date)
		.where((eb) => eb.or([eb('s.valid_until', 'is', null), eb('s.valid_until', '>=', date)]))
		.orderBy('o.name')
		.orderBy('so.sort')
		.execute();
	return rows.map((r) => ({ id: r.id, name: r.name, code: r.code!, item: r.item }));
}

export async function listActiveStaff(db: Db, orgId: number) {
	return db
		.selectFrom('persons')
		.select(['id', 'name', 'id_number', 'special_operation_code', 'position'])
		.where('org_id', '=', orgId)
		.where('active', '=', true)
		.orderBy('name')
		.orderBy('id')
		.execute();
}

export async function findPersonsInOrg(db: Db, orgId: number, ids: number[]) {
	if (ids.length === 0) return [];
	return db.selectFrom('persons').select(['id', 'name', 'id_number']).where('org_id', '=', orgId).where('active', '=', true).where('id', 'in', ids).execute();
}

export async function findPerson(db: Db, personId: number) {
	return db.selectFrom('persons').select(['id', 'name', 'id_number', 'org_id']).where('id', '=', personId).executeTakeFirst();
}

/** Open (draft … accepted) applications of these persons for the item. */
export async function findLiveApplications(db: Db, personIds: number[], code: string) {
	if (personIds.length === 0) return [];
	return db
		.selectFrom('so_applications')
		.select(['id', 'person_id', 'status'])
		.where('person_id', 'in', personIds)
		.where('special_operation_code', '=', code)
		.where('kind', '=', 'initial')
		.where('status', 'in', ['draft', 'submitted', 'returned', 'accepted'])
		.execute();
}

export type NewApplication = {
	person_id: number;
	special_operation_code: string;
	institution_org_id: number;
	enterprise_org_id: number | null;
	channel: 'enterprise' | 'individual';
	status: ApplicationStatus;
	submitted_by: number | null;
	submitted_at: Date;
	updated_at: Date;
};

export async function insertApplications(db: Db, rows: NewApplication[]): Promise<number[]> {
	if (rows.length === 0) return [];
	const inserted = await db.insertInto('so_applications').values(rows).returning('id').execute();
	return inserted.map((r) => r.id);
}

const detailColumns = [
	'a.id',
	'a.person_id',
	'a.special_operation_code',
	'a.institution_org_id',
	'a.enterprise_org_id',
	'a.channel',
	'a.kind',
	'a.status',
	'a.education',
	'a.health_declared_at',
	'a.exemption',
	'a.exemption_evidence_file_id',
	'a.photo_file_id',
	'a.photo_sha256',
	'a.id_front_file_id',
	'a.id_back_file_id',
	'a.eligibility',
	'a.review_reason',
	'a.reviewed_at',
	'a.submitted_at',
	'a.updated_at',
	'p.name as person_name',
	'p.id_number',
	'so.item',
	'so.category',
	'i.name as institution_name',
	'e.name as enterprise_name',
	'r.path as institution_region_path'
] as const;

function detailQuery(db: Db) {
	return db
		.selectFrom('so_applications as a')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.innerJoin('special_operations as so', 'so.code', 'a.special_operation_code')
		.innerJoin('organisations as i', 'i.id', 'a.institution_org_id')
		.innerJoin('regions as r', 'r.code', 'i.region_code')
		.leftJoin('organisations as e', 'e.id', 'a.enterprise_org_id')
		.select(detailColumns);
}

export type ApplicationRow = NonNullable<Awaited<ReturnType<typeof findApplication>>>;

export async function findApplication(db: Db, id: number) {
	return detailQuery(db).where('a.id', '=', id).executeTakeFirst();
}

/** Locks the application row for a state change (two reviewers, or a review racing a resubmission). */
export async function lockApplication(tx: Tx, id: number) {
	return tx.selectFrom('so_applications').select(['id', 'status']).where('id', '=', id).forUpdate().executeTakeFirst();
}

export type ListFilter = { enterpriseOrgId?: number; personId?: number; institutionOrgId?: number; regionPath?: string; status?: ApplicationStatus; limit?: number };

export async function listApplications(db: Db, f: ListFilter) {
	let q = detailQuery(db);
	if (f.enterpriseOrgId !== undefined) q = q.where('a.enterprise_org_id', '=', f.enterpriseOrgId);
	if (f.personId !== undefined) q = q.where('a.person_id', '=', f.personId);
	if (f.institutionOrgId !== undefined) q = q.where('a.institution_org_id', '=', f.institutionOrgId);
	if (f.regionPath !== undefined) q = q.where('r.path', 'like', `${f.regionPath}%`);
	if (f.status !== undefined) q = q.where('a.status', '=', f.status);
	return q
		.orderBy('a.submitted_at', 'desc')
		.orderBy('a.id', 'desc')
		.limit(f.limit ?? 500)
		.execute();
}

/** Applications per status whose institution lies in the region (the 考核发证机关's queue). */
export async function countByStatusInRegion(db: Db, regionPath: string): Promise<Record<string, number>> {
	const rows = await db
		.selectFrom('so_applications as a')
		.innerJoin('organisations as i', 'i.id', 'a.institution_org_id')
		.innerJoin('regions as r', 'r.code', 'i.region_code')
		.select(['a.status', sql<string>`count(*)`.as('n')])
		.where('r.path', 'like', `${regionPath}%`)
		.groupBy('a.status')
		.execute();
	return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export type MaterialsUpdate = {
	education?: string | null;
	health_declared_at?: Date | null;
	health_declaration_version?: string | null;
	exemption?: string;
	exemption_evidence_file_id?: number | null;
	photo_file_id?: number;
	photo_sha256?: string;
	id_front_file_id?: number;
	id_back_file_id?: number;
	status?: ApplicationStatus;
	eligibility?: string;
	submitted_at?: Date;
	submitted_by?: number | null;
	review_reason?: null;
	reviewed_by?: null;
	reviewed_at?: null;
	updated_at: Date;
};

export async function updateApplication(db: Db, id: number, values: MaterialsUpdate): Promise<void> {
	const { eligibility, ...rest } = values;
	await db
		.updateTable('so_applications')
		.set({ ...rest, ...(eligibility !== undefined ? { eligibility: sql`${eligibility}::jsonb` } : {}) })
		.where('id', '=', id)
		.execute();
}

export async function setReview(db: Db, id: number, values: { status: ApplicationStatus; review_reason: string | null; reviewed_by: number | null; reviewed_at: Date }): Promise<void> {
	await db
		.updateTable('so_applications')
		.set({ ...values, updated_at: values.reviewed_at })
		.where('id', '=', id)
		.execute();
}

/** The application a stored file belongs to (photo, 身份证 images, evidence), for file access. */
export async function findApplicationOfFile(db: Db, fileId: number) {
	return db
		.selectFrom('so_applications as a')
		.innerJoin('organisations as i', 'i.id', 'a.institution_org_id')
		.innerJoin('regions as r', 'r.code', 'i.region_code')
		.select(['a.person_id', 'a.enterprise_org_id', 'a.institution_org_id', 'r.path as region_path'])
		.where((eb) => eb.or([eb('a.photo_file_id', '=', fileId), eb('a.id_front_file_id', '=', fileId), eb('a.id_back_file_id', '=', fileId), eb('a.exemption_evidence_file_id', '=', fileId)]))
		.limit(1)
		.executeTakeFirst();
}
