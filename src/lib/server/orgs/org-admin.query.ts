import type { Db } from '../db/index.ts';
import { maskIdNumber, maskMobile } from '../../domain/identifiers.ts';
import { listIndustryChoices } from '../courses/courses.query.ts';

// Read-only views of the organisation pages. A regionPath limits the rows to a regulator's
// jurisdiction; null means the whole platform (platform admin).

export type OrgFilter = { kind: string | null; status: string | null; q: string | null };

export async function listOrganisations(db: Db, filter: OrgFilter, limit = 200) {
	let query = db
		.selectFrom('organisations as o')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.leftJoin('industries as i', 'i.code', 'o.industry_code')
		.select(['o.id', 'o.kind', 'o.name', 'o.credit_code', 'o.status', 'r.name as region_name', 'r.level as region_level', 'i.name as industry_name', 'i.high_risk'])
		.where('o.kind', '<>', 'platform');
	if (filter.kind) query = query.where('o.kind', '=', filter.kind);
	if (filter.status) query = query.where('o.status', '=', filter.status);
	if (filter.q) {
		// LIKE wildcards in the search text are literal
		const pattern = `%${filter.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
		query = query.where((eb) => eb.or([eb('o.name', 'like', pattern), eb('o.credit_code', 'like', pattern.toUpperCase())]));
	}
	return query.orderBy('o.kind').orderBy('o.name').limit(limit).execute();
}

export async function listInstitutionScopes(db: Db, orgId: number) {
	return db
		.selectFrom('institution_scopes as s')
		.leftJoin('special_operations as so', 'so.code', 's.special_operation_code')
		.leftJoin('organisations as f', 'f.id', 's.filed_with_org_id')
		.select(['s.id', 's.scope', 's.special_operation_code', 'so.category', 'so.item', 'f.name as filed_with', 's.valid_from', 's.valid_until'])
		.where('s.institution_org_id', '=', orgId)
		.orderBy('s.scope')
		.orderBy('so.sort')
		.orderBy('s.valid_from')
		.execute();
}

/** The organisation's accounts, 手机号 and 身份证号 masked. */
export async function listOrgAccounts(db: Db, orgId: number) {
	const rows = await db
		.selectFrom('memberships as m')
		.innerJoin('users as u', 'u.id', 'm.user_id')
		.select(['m.id', 'm.role', 'u.display_name', 'u.mobile', 'u.id_number', 'u.must_change_password', 'u.disabled'])
		.where('m.org_id', '=', orgId)
		.orderBy('m.id')
		.limit(200)
		.execute();
	return rows.map((r) => ({
		id: r.id,
		role: r.role,
		name: r.display_name,
		mobile: maskMobile(r.mobile),
		idNumber: r.id_number ? maskIdNumber(r.id_number) : null,
		mustChangePassword: r.must_change_password,
		disabled: r.disabled
	}));
}

/** Regions to choose from, each with its parent's name; inside regionPath when given. */
export async function listRegionChoices(db: Db, regionPath: string | null = null) {
	let query = db
		.selectFrom('regions as r')
		.leftJoin('regions as p', 'p.code', 'r.parent_code')
		.select(['r.code', 'r.name', 'r.level', 'p.name as parent_name']);
	if (regionPath !== null) query = query.where('r.path', 'like', `${regionPath}%`);
	return query.orderBy('r.path').execute();
}

export async function listSpecialOperationChoices(db: Db) {
	return db.selectFrom('special_operations').select(['code', 'category', 'item']).orderBy('sort').execute();
}

export async function listRegulatorChoices(db: Db) {
	return db
		.selectFrom('organisations')
		.select(['id', 'name'])
		.where('kind', '=', 'regulator')
		.where('status', '=', 'active')
		.orderBy('region_code')
		.execute();
}

/** What the organisation form offers: regions (inside regionPath when given) and industries. */
export async function loadOrgFormChoices(db: Db, regionPath: string | null = null) {
	return { regions: await listRegionChoices(db, regionPath), industries: await listIndustryChoices(db) };
}
