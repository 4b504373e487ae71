import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

// Read-only reports about organisations. Every function takes the caller's scope
// (an organisation id or a region path) and never returns rows outside it.

/**
 * One organisation (never the platform's own), or undefined; with `regionPath` only inside that
 * region, with `kind` only of that kind (a regulator's enterprise pages: 404 outside its region).
 */
export async function getOrganisation(db: Db, orgId: number, within: { regionPath?: string | null; kind?: 'enterprise' | 'institution' | 'regulator' } = {}) {
	let query = db
		.selectFrom('organisations as o')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.leftJoin('industries as i', 'i.code', 'o.industry_code')
		.select([
			'o.id',
			'o.kind',
			'o.name',
			'o.credit_code',
			'o.region_code',
			'o.industry_code',
			'o.scale',
			'o.standardization_level',
			'o.gov_type',
			'o.address',
			'o.legal_rep',
			'o.status',
			'o.suspended_at',
			'o.suspended_reason',
			'o.created_at',
			'r.name as region_name',
			'r.level as region_level',
			'i.name as industry_name',
			'i.high_risk'
		])
		.where('o.id', '=', orgId)
		.where('o.kind', '<>', 'platform');
	if (within.regionPath != null) query = query.where('r.path', 'like', `${within.regionPath}%`);
	if (within.kind) query = query.where('o.kind', '=', within.kind);
	return query.executeTakeFirst();
}

export async function countStaffByRoleCategory(db: Db, orgId: number): Promise<{ role_category: string; n: number }[]> {
	const rows = await db
		.selectFrom('persons')
		.select(['role_category', (eb) => eb.fn.countAll<number>().as('n')])
		.where('org_id', '=', orgId)
		.where('active', '=', true)
		.groupBy('role_category')
		.execute();
	return rows.map((r) => ({ role_category: r.role_category, n: Number(r.n) }));
}

export async function summariseRegion(db: Db, regionPath: string) {
	const enterprises = await db
		.selectFrom('organisations as o')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.leftJoin('industries as i', 'i.code', 'o.industry_code')
		.select([
			(eb) => eb.fn.countAll<number>().as('total'),
			(eb) => eb.fn.count<number>('o.id').filterWhere('i.high_risk', '=', true).as('high_risk'),
			(eb) => eb.fn.count<number>('o.id').filterWhere('o.scale', '=', 'above').as('above_scale')
		])
		.where('o.kind', '=', 'enterprise')
		.where('r.path', 'like', `${regionPath}%`)
		.executeTakeFirstOrThrow();
	const persons = await db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.select(['p.role_category', (eb) => eb.fn.countAll<number>().as('n')])
		.where('p.active', '=', true)
		.where('r.path', 'like', `${regionPath}%`)
		.groupBy('p.role_category')
		.execute();
	return {
		enterprises: Number(enterprises.total),
		highRiskEnterprises: Number(enterprises.high_risk),
		aboveScaleEnterprises: Number(enterprises.above_scale),
		personsByRole: persons.map((p) => ({ role_category: p.role_category, n: Number(p.n) }))
	};
}

/** Enterprises per child region of `regionPath` (district level for a city, towns for a district). */
export async function countEnterprisesByChildRegion(db: Db, regionCode: string, regionPath: string) {
	const rows = await db
		.selectFrom('regions as child')
		.leftJoin('regions as r', (j) => j.on('r.path', 'like', sql<string>`child.path || '%'`))
		.leftJoin('organisations as o', (j) => j.onRef('o.region_code', '=', 'r.code').on('o.kind', '=', 'enterprise'))
		.select(['child.code', 'child.name', (eb) => eb.fn.count<number>('o.id').as('n')])
		.where('child.parent_code', '=', regionCode)
		.where('child.path', 'like', `${regionPath}%`)
		.groupBy(['child.code', 'child.name', 'child.sort'])
		.orderBy('child.sort')
		.execute();
	return rows.map((r) => ({ code: r.code, name: r.name, n: Number(r.n) }));
}

export async function listEnterprisesInRegion(db: Db, regionPath: string, limit = 200) {
	const rows = await db
		.selectFrom('organisations as o')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.leftJoin('industries as i', 'i.code', 'o.industry_code')
		.leftJoin('persons as p', (j) => j.onRef('p.org_id', '=', 'o.id').on('p.active', '=', true))
		.select([
			'o.id',
			'o.name',
			'o.credit_code',
			'o.scale',
			'o.standardization_level',
			'o.status',
			'r.name as region_name',
			'i.name as industry_name',
			'i.high_risk',
			(eb) => eb.fn.count<number>('p.id').as('staff')
		])
		.where('o.kind', '=', 'enterprise')
		.where('o.merged_into', 'is', null) // a merged duplicate is not a second enterprise
		.where('r.path', 'like', `${regionPath}%`)
		.groupBy(['o.id', 'r.name', 'i.name', 'i.high_risk'])
		.orderBy('o.name')
		.limit(limit)
		.execute();
	return rows.map((r) => ({ ...r, staff: Number(r.staff) }));
}

export async function countOrganisationsByKind(db: Db) {
	const rows = await db
		.selectFrom('organisations')
		.select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
		.groupBy('kind')
		.execute();
	return rows.map((r) => ({ kind: r.kind, n: Number(r.n) }));
}

export async function countPlatformUsage(db: Db, now: Date) {
	const users = await db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	const sessions = await db
		.selectFrom('sessions')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('expires_at', '>', now)
		.executeTakeFirstOrThrow();
	const persons = await db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	return { users: Number(users.n), activeSessions: Number(sessions.n), persons: Number(persons.n) };
}

export async function countInstitutionStaff(db: Db, orgId: number) {
	const rows = await db
		.selectFrom('memberships')
		.select(['role', (eb) => eb.fn.countAll<number>().as('n')])
		.where('org_id', '=', orgId)
		.groupBy('role')
		.execute();
	return rows.map((r) => ({ role: r.role, n: Number(r.n) }));
}
