import type { Db } from '../db/index.ts';
import type { Role } from '../../domain/labels.ts';

// All SQL that writes organisations, their 机构资质 rows and their first accounts.

export type OrgRow = {
	kind: string;
	name: string;
	credit_code: string | null;
	region_code: string;
	industry_code: string | null;
	scale: string | null;
	standardization_level: string | null;
	gov_type: string | null;
	address: string | null;
	legal_rep: string | null;
};

export async function findRegion(db: Db, code: string) {
	return db.selectFrom('regions').select(['code', 'name', 'level', 'path']).where('code', '=', code).executeTakeFirst();
}

export async function industryExists(db: Db, code: string): Promise<boolean> {
	return (await db.selectFrom('industries').select('code').where('code', '=', code).executeTakeFirst()) !== undefined;
}

export async function findOrgByCreditCode(db: Db, creditCode: string) {
	return db.selectFrom('organisations').select(['id', 'name']).where('credit_code', '=', creditCode).executeTakeFirst();
}

/** The organisation with its region path, locked for the rest of the transaction. */
export async function lockOrganisation(db: Db, orgId: number) {
	return db
		.selectFrom('organisations as o')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.select(['o.id', 'o.kind', 'o.name', 'o.status', 'o.credit_code', 'r.path as region_path'])
		.where('o.id', '=', orgId)
		.forUpdate('o')
		.executeTakeFirst();
}

export async function insertOrganisation(db: Db, row: OrgRow, now: Date): Promise<number> {
	const created = await db
		.insertInto('organisations')
		.values({ ...row, created_at: now })
		.returning('id')
		.executeTakeFirstOrThrow();
	return created.id;
}

export async function updateOrganisation(db: Db, orgId: number, row: Omit<OrgRow, 'kind'>): Promise<void> {
	await db.updateTable('organisations').set(row).where('id', '=', orgId).execute();
}

export async function setOrganisationStatus(db: Db, orgId: number, suspension: { at: Date; reason: string } | null): Promise<void> {
	await db
		.updateTable('organisations')
		.set(
			suspension
				? { status: 'suspended', suspended_at: suspension.at, suspended_reason: suspension.reason }
				: { status: 'active', suspended_at: null, suspended_reason: null }
		)
		.where('id', '=', orgId)
		.execute();
}

/** Ends every session that acts for one of the organisation's memberships. */
export async function deleteOrganisationSessions(db: Db, orgId: number): Promise<number> {
	const result = await db
		.deleteFrom('sessions')
		.where('membership_id', 'in', db.selectFrom('memberships').select('id').where('org_id', '=', orgId))
		.executeTakeFirst();
	return Number(result.numDeletedRows);
}

export type ScopeRow = {
	scope: 'principal' | 'safety_manager' | 'special_operation';
	special_operation_code: string | null;
	filed_with_org_id: number | null;
	valid_from: string;
	valid_until: string | null;
};

export async function insertInstitutionScopes(db: Db, institutionOrgId: number, rows: ScopeRow[], createdBy: number | null, now: Date): Promise<number> {
	if (rows.length === 0) return 0;
	const inserted = await db
		.insertInto('institution_scopes')
		.values(rows.map((r) => ({ ...r, institution_org_id: institutionOrgId, created_by: createdBy, created_at: now })))
		.onConflict((oc) => oc.doNothing())
		.returning('id')
		.execute();
	return inserted.length;
}

export async function deleteInstitutionScope(db: Db, institutionOrgId: number, scopeId: number): Promise<boolean> {
	const result = await db
		.deleteFrom('institution_scopes')
		.where('id', '=', scopeId)
		.where('institution_org_id', '=', institutionOrgId)
		.executeTakeFirst();
	return Number(result.numDeletedRows) > 0;
}

export async function findRegulator(db: Db, orgId: number) {
	return db.selectFrom('organisations').select(['id', 'name']).where('id', '=', orgId).where('kind', '=', 'regulator').executeTakeFirst();
}

export async function specialOperationsExist(db: Db, codes: string[]): Promise<string[]> {
	if (codes.length === 0) return [];
	const rows = await db.selectFrom('special_operations').select('code').where('code', 'in', codes).execute();
	return rows.map((r) => r.code);
}

export async function findUserByAccount(db: Db, mobile: string, idNumber: string | null) {
	let q = db.selectFrom('users').select(['id', 'mobile', 'id_number']);
	q = idNumber ? q.where((eb) => eb.or([eb('mobile', '=', mobile), eb('id_number', '=', idNumber)])) : q.where('mobile', '=', mobile);
	return q.executeTakeFirst();
}

export async function insertUserWithMembership(
	db: Db,
	user: { displayName: string; mobile: string; idNumber: string | null; passwordHash: string },
	membership: { role: Role; orgId: number }
): Promise<number> {
	const created = await db
		.insertInto('users')
		.values({ display_name: user.displayName, mobile: user.mobile, id_number: user.idNumber, password_hash: user.passwordHash, must_change_password: true })
		.returning('id')
		.executeTakeFirstOrThrow();
	await db.insertInto('memberships').values({ user_id: created.id, role: membership.role, org_id: membership.orgId }).execute();
	return created.id;
}

export async function findPlatformOrg(db: Db) {
	return db.selectFrom('organisations').select('id').where('kind', '=', 'platform').orderBy('id').limit(1).executeTakeFirst();
}
