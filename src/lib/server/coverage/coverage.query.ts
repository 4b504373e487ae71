import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { maskIdNumber, maskMobile } from '../../domain/identifiers.ts';

// Read-only reports over the maintained counts (migration 006). Every function takes the node
// or organisation the caller may see; the routes check the node lies in the caller's region.

export type Counts = { required: number; covered: number };
export type RegionNode = { code: string; name: string; level: string; path: string; parent_code: string | null };

/** A region node inside the caller's subtree, or undefined. */
export async function findNodeInScope(db: Db, code: string, scopePath: string): Promise<RegionNode | undefined> {
	return db
		.selectFrom('regions')
		.select(['code', 'name', 'level', 'path', 'parent_code'])
		.where('code', '=', code)
		.where('path', 'like', `${scopePath}%`)
		.executeTakeFirst();
}

/** The node and its ancestors within the caller's scope (for the breadcrumb). */
export async function nodeTrail(db: Db, node: RegionNode, scopePath: string): Promise<{ code: string; name: string }[]> {
	const codes = node.path.split('/').filter(Boolean);
	const rows = await db.selectFrom('regions').select(['code', 'name', 'path']).where('code', 'in', codes).execute();
	return codes
		.map((c) => rows.find((r) => r.code === c)!)
		.filter((r) => r && r.path.startsWith(scopePath))
		.map((r) => ({ code: r.code, name: r.name }));
}

/** Required/covered per target at one node: one index range per target. */
export async function countsAtNode(db: Db, targetIds: number[], nodeCode: string): Promise<Map<number, Counts>> {
	const out = new Map<number, Counts>();
	if (!targetIds.length) return out;
	const { rows } = await sql<{ target_id: number; required: number; covered: number }>`
		select target_id, coalesce(sum(required), 0)::int as required, coalesce(sum(covered), 0)::int as covered
		from coverage_node_counts where node_code = ${nodeCode} and target_id = any(${sql.val(targetIds)}::int[])
		group by target_id`.execute(db);
	for (const r of rows) out.set(r.target_id, { required: Number(r.required), covered: Number(r.covered) });
	return out;
}

export type ChildRow = Counts & { code: string; name: string; level: string };

/** The node's child regions with their counts (市 → 区县 → 乡镇/街道). */
export async function countsByChildNode(db: Db, targetId: number, nodeCode: string): Promise<ChildRow[]> {
	const { rows } = await sql<ChildRow>`
		select r.code, r.name, r.level, coalesce(sum(k.required), 0)::int as required, coalesce(sum(k.covered), 0)::int as covered
		from regions r
		left join coverage_node_counts k on k.target_id = ${targetId} and k.node_code = r.code
		where r.parent_code = ${nodeCode}
		group by r.code, r.name, r.level, r.sort
		having coalesce(sum(k.required), 0) > 0
		order by r.sort, r.code`.execute(db);
	return rows.map((r) => ({ ...r, required: Number(r.required), covered: Number(r.covered) }));
}

export type OrgRow = Counts & { id: number; name: string; kind: string; industry_name: string | null };

/** Organisations registered directly at this node (a 乡镇's enterprises), worst rate first. */
export async function countsByOrgAtNode(db: Db, targetId: number, nodeCode: string, limit = 200): Promise<OrgRow[]> {
	const { rows } = await sql<OrgRow>`
		select o.id, o.name, o.kind, i.name as industry_name, sum(k.required)::int as required, sum(k.covered)::int as covered
		from organisations o
		join coverage_org_counts k on k.org_id = o.id and k.target_id = ${targetId}
		left join industries i on i.code = o.industry_code
		where o.region_code = ${nodeCode}
		group by o.id, o.name, o.kind, i.name
		having sum(k.required) > 0
		order by sum(k.covered)::float / sum(k.required), o.name
		limit ${limit}`.execute(db);
	return rows.map((r) => ({ ...r, required: Number(r.required), covered: Number(r.covered) }));
}

export type BreakdownRow = Counts & { key: string; name: string };

export async function countsByIndustry(db: Db, targetId: number, nodeCode: string): Promise<BreakdownRow[]> {
	const { rows } = await sql<BreakdownRow>`
		select k.industry_code as key, coalesce(i.name, '（无行业）') as name, sum(k.required)::int as required, sum(k.covered)::int as covered
		from coverage_node_counts k left join industries i on i.code = k.industry_code
		where k.target_id = ${targetId} and k.node_code = ${nodeCode}
		group by k.industry_code, i.name, i.sort
		having sum(k.required) > 0
		order by i.sort nulls last`.execute(db);
	return rows.map((r) => ({ ...r, required: Number(r.required), covered: Number(r.covered) }));
}

export async function countsByRole(db: Db, targetId: number, nodeCode: string): Promise<{ key: string; required: number; covered: number }[]> {
	const { rows } = await sql<{ key: string; required: number; covered: number }>`
		select role_category as key, sum(required)::int as required, sum(covered)::int as covered
		from coverage_node_counts where target_id = ${targetId} and node_code = ${nodeCode}
		group by role_category having sum(required) > 0 order by role_category`.execute(db);
	return rows.map((r) => ({ ...r, required: Number(r.required), covered: Number(r.covered) }));
}

export type TrendPoint = { month: string; covered: number; required: number };

/** Persons covered by the end of each month of the period so far (running sum of the monthly counts). */
export async function monthlyTrend(db: Db, targetId: number, nodeCode: string, periodStart: string, until: string, required: number): Promise<TrendPoint[]> {
	const { rows } = await sql<{ month: string; n: number }>`
		select to_char(month, 'YYYY-MM') as month, covered::int as n
		from coverage_month_counts where target_id = ${targetId} and node_code = ${nodeCode} order by month`.execute(db);
	const out: TrendPoint[] = [];
	let y = Number(periodStart.slice(0, 4));
	let m = Number(periodStart.slice(5, 7));
	const endKey = until.slice(0, 7);
	let running = 0;
	const byMonth = new Map(rows.map((r) => [r.month, Number(r.n)]));
	// months before the period's start (covered_on is never earlier) contribute nothing
	for (let guard = 0; guard < 240; guard++) {
		const key = `${y}-${String(m).padStart(2, '0')}`;
		if (key > endKey) break;
		running += byMonth.get(key) ?? 0;
		out.push({ month: key, covered: running, required });
		m++;
		if (m > 12) {
			m = 1;
			y++;
		}
	}
	return out;
}

export type GapRow = {
	person_id: number;
	name: string;
	id_masked: string;
	mobile_masked: string;
	role_category: string;
	org_id: number;
	org_name: string;
	region_name: string;
	study_missing: boolean;
	exam_missing: boolean;
	certificate_missing: boolean;
};

type GapFilter = { targetId: number; regionPath?: string; orgId?: number; afterPersonId?: number; limit: number };

/** Persons not (yet) covered, in person-id order (keyset pages for exports). */
export async function listGaps(db: Db, f: GapFilter): Promise<GapRow[]> {
	const { rows } = await sql<Omit<GapRow, 'id_masked' | 'mobile_masked'> & { id_number: string; mobile: string | null }>`
		select cp.person_id, p.name, p.id_number, p.mobile, cp.role_category, cp.org_id, o.name as org_name, r.name as region_name,
			cp.study_missing, cp.exam_missing, cp.certificate_missing
		from coverage_person cp
		join persons p on p.id = cp.person_id
		join organisations o on o.id = cp.org_id
		join regions r on r.code = cp.region_code
		where cp.target_id = ${f.targetId} and not cp.covered
			and cp.person_id > ${f.afterPersonId ?? 0}
			${f.regionPath ? sql`and cp.region_code in (select code from regions where path like ${f.regionPath + '%'})` : sql``}
			${f.orgId ? sql`and cp.org_id = ${f.orgId}` : sql``}
		order by cp.person_id
		limit ${f.limit}`.execute(db);
	return rows.map(({ id_number, mobile, ...r }) => ({ ...r, id_masked: maskIdNumber(id_number), mobile_masked: maskMobile(mobile) }));
}

export type PersonStatusRow = GapRow & { covered: boolean; covered_on: string | null; valid_until: string | null };

/** Everyone of one organisation in a target's population, missing first. */
export async function listOrgPersons(db: Db, targetId: number, orgId: number): Promise<PersonStatusRow[]> {
	const { rows } = await sql<Omit<PersonStatusRow, 'id_masked' | 'mobile_masked'> & { id_number: string; mobile: string | null }>`
		select cp.person_id, p.name, p.id_number, p.mobile, cp.role_category, cp.org_id, o.name as org_name, r.name as region_name,
			cp.study_missing, cp.exam_missing, cp.certificate_missing, cp.covered, cp.covered_on, cp.valid_until
		from coverage_person cp
		join persons p on p.id = cp.person_id
		join organisations o on o.id = cp.org_id
		join regions r on r.code = cp.region_code
		where cp.target_id = ${targetId} and cp.org_id = ${orgId}
		order by cp.covered, p.name
		limit 2000`.execute(db);
	return rows.map(({ id_number, mobile, ...r }) => ({ ...r, id_masked: maskIdNumber(id_number), mobile_masked: maskMobile(mobile) }));
}

/** Counts of one organisation per target (enterprise admin's page). */
export async function countsForOrg(db: Db, orgId: number): Promise<Map<number, Counts>> {
	const { rows } = await sql<{ target_id: number; required: number; covered: number }>`
		select target_id, sum(required)::int as required, sum(covered)::int as covered
		from coverage_org_counts where org_id = ${orgId} group by target_id`.execute(db);
	return new Map(rows.map((r) => [r.target_id, { required: Number(r.required), covered: Number(r.covered) }]));
}

export async function countsForOrgByRole(db: Db, targetId: number, orgId: number) {
	const { rows } = await sql<{ key: string; required: number; covered: number }>`
		select role_category as key, required, covered from coverage_org_counts
		where target_id = ${targetId} and org_id = ${orgId} and required > 0 order by role_category`.execute(db);
	return rows.map((r) => ({ ...r, required: Number(r.required), covered: Number(r.covered) }));
}

/** An organisation of the caller's region (any kind that can hold target persons), or undefined. */
export async function findOrgInScope(db: Db, orgId: number, scopePath: string) {
	return db
		.selectFrom('organisations as o')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.select(['o.id', 'o.name', 'o.kind', 'o.region_code', 'r.name as region_name', 'r.path'])
		.where('o.id', '=', orgId)
		.where('r.path', 'like', `${scopePath}%`)
		.executeTakeFirst();
}

/**
 * The same numbers straight from the definition (the view over the base tables): what the
 * maintained counts must equal. Used by tests and the benchmark, never by a page.
 */
export async function naiveCountsAtNode(db: Db, nodePath: string): Promise<Map<number, Counts>> {
	const { rows } = await sql<{ target_id: number; required: number; covered: number }>`
		select e.target_id, count(*)::int as required,
			count(*) filter (where not (e.study_missing or e.exam_missing or e.certificate_missing))::int as covered
		from coverage_evaluation e join regions r on r.code = e.region_code
		where r.path like ${nodePath + '%'}
		group by e.target_id`.execute(db);
	return new Map(rows.map((r) => [r.target_id, { required: Number(r.required), covered: Number(r.covered) }]));
}

export type OrgGapRow = Counts & { id: number; name: string; region_name: string };

/**
 * Enterprises anywhere under a node whose own rate is below the goal (the 督办 gap list),
 * worst rate first. `orgIds` narrows it to those enterprises (still only the ones below the goal).
 */
export async function listEnterprisesBelowGoal(
	db: Db,
	f: { targetId: number; nodePath: string; goalPercent: number; orgIds?: number[]; limit: number }
): Promise<OrgGapRow[]> {
	const { rows } = await sql<OrgGapRow>`
		select o.id, o.name, r.name as region_name, sum(k.required)::int as required, sum(k.covered)::int as covered
		from coverage_org_counts k
		join organisations o on o.id = k.org_id
		join regions r on r.code = o.region_code
		where k.target_id = ${f.targetId} and o.kind = 'enterprise' and r.path like ${f.nodePath + '%'}
			${f.orgIds ? sql`and o.id = any(${sql.val(f.orgIds)}::int[])` : sql``}
		group by o.id, o.name, r.name
		having sum(k.required) > 0 and sum(k.covered) * 100 < ${f.goalPercent}::numeric * sum(k.required)
		order by sum(k.covered)::float / sum(k.required), o.name, o.id
		limit ${f.limit}`.execute(db);
	return rows.map((r) => ({ ...r, required: Number(r.required), covered: Number(r.covered) }));
}

/** Required/covered per organisation and role category of one target, for many organisations at once. */
export async function countsForOrgsByRole(db: Db, targetId: number, orgIds: number[]): Promise<Map<number, { role: string; required: number; covered: number }[]>> {
	const out = new Map<number, { role: string; required: number; covered: number }[]>();
	if (!orgIds.length) return out;
	const { rows } = await sql<{ org_id: number; role: string; required: number; covered: number }>`
		select org_id, role_category as role, required, covered from coverage_org_counts
		where target_id = ${targetId} and org_id = any(${sql.val(orgIds)}::int[]) and required > 0
		order by org_id, role_category`.execute(db);
	for (const r of rows) {
		const list = out.get(r.org_id) ?? [];
		list.push({ role: r.role, required: Number(r.required), covered: Number(r.covered) });
		out.set(r.org_id, list);
	}
	return out;
}

/** Names of industry and course codes, for describing a target's definition. */
export async function codeNames(db: Db): Promise<{ industries: Record<string, string>; courses: Record<string, string> }> {
	const [industries, courses] = await Promise.all([db.selectFrom('industries').select(['code', 'name']).execute(), db.selectFrom('courses').select(['code', 'title']).execute()]);
	return { industries: Object.fromEntries(industries.map((i) => [i.code, i.name])), courses: Object.fromEntries(courses.map((c) => [c.code, c.title])) };
}
