import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { targetDefinitionSchema, targetInputSchema, type TargetDefinition, type TargetInput } from './target.ts';
import { SEEDED_TARGETS } from './seeded-targets.ts';

export type TargetRow = {
	id: number;
	code: string;
	title: string;
	region_code: string;
	region_name: string;
	region_path: string;
	owner_org_id: number | null;
	period_start: string;
	period_end: string;
	deadline: string;
	goal_percent: number;
	definition: TargetDefinition;
	source_doc: string;
	source_clause: string;
	note: string | null;
};

function mapTarget(r: Record<string, unknown>): TargetRow {
	return {
		...(r as unknown as TargetRow),
		goal_percent: Number(r.goal_percent),
		definition: targetDefinitionSchema.parse(r.definition)
	};
}

const TARGET_COLUMNS = sql`t.id, t.code, t.title, t.region_code, r.name as region_name, r.path as region_path, t.owner_org_id,
	t.period_start, t.period_end, t.deadline, t.goal_percent, t.definition, t.source_doc, t.source_clause, t.note`;

/**
 * Targets that concern a region: those set for it or for a region above it (the city's targets
 * apply to every 区县), and those set for a region below it (a city regulator sees 区县 targets).
 */
export async function listTargetsForRegion(db: Db, regionPath: string): Promise<TargetRow[]> {
	const { rows } = await sql<Record<string, unknown>>`
		select ${TARGET_COLUMNS} from coverage_targets t join regions r on r.code = t.region_code
		where t.status = 'active' and (${regionPath} like r.path || '%' or r.path like ${regionPath} || '%')
		order by t.period_end desc, t.id`.execute(db);
	return rows.map(mapTarget);
}

export async function findTargetForRegion(db: Db, targetId: number, regionPath: string): Promise<TargetRow | undefined> {
	const { rows } = await sql<Record<string, unknown>>`
		select ${TARGET_COLUMNS} from coverage_targets t join regions r on r.code = t.region_code
		where t.id = ${targetId} and t.status = 'active' and (${regionPath} like r.path || '%' or r.path like ${regionPath} || '%')`.execute(db);
	return rows[0] ? mapTarget(rows[0]) : undefined;
}

/** Targets an enterprise has persons in (the enterprise admin's view). */
export async function listTargetsForOrg(db: Db, orgId: number): Promise<TargetRow[]> {
	const { rows } = await sql<Record<string, unknown>>`
		select ${TARGET_COLUMNS} from coverage_targets t join regions r on r.code = t.region_code
		where t.status = 'active' and exists (select 1 from coverage_org_counts k where k.target_id = t.id and k.org_id = ${orgId} and k.required > 0)
		order by t.period_end desc, t.id`.execute(db);
	return rows.map(mapTarget);
}

export async function findRegionPath(db: Db, regionCode: string): Promise<string | null> {
	const region = await db.selectFrom('regions').select('path').where('code', '=', regionCode).executeTakeFirst();
	return region?.path ?? null;
}

/** The codes among these that name no industry. */
export async function unknownIndustryCodes(db: Db, codes: readonly string[]): Promise<string[]> {
	if (!codes.length) return [];
	const known = await db.selectFrom('industries').select('code').where('code', 'in', codes).execute();
	return codes.filter((c) => !known.some((k) => k.code === c));
}

/** The codes among these that name no course. */
export async function unknownCourseCodes(db: Db, codes: readonly string[]): Promise<string[]> {
	if (!codes.length) return [];
	const known = await db.selectFrom('courses').select('code').where('code', 'in', codes).execute();
	return codes.filter((c) => !known.some((k) => k.code === c));
}

export async function targetCodeExists(db: Db, code: string): Promise<boolean> {
	return (await db.selectFrom('coverage_targets').select('id').where('code', '=', code).executeTakeFirst()) !== undefined;
}

/** Stores a target; the insert trigger computes its coverage. */
export async function insertTarget(db: Db, input: TargetInput, ownerOrgId: number | null, userId: number | null, now: Date): Promise<number> {
	const row = await db.insertInto('coverage_targets').values(targetValues(input, ownerOrgId, userId, now)).returning('id').executeTakeFirstOrThrow();
	return row.id;
}

/** What the target form offers a regulator: its regions, the industries and the published courses. */
export async function targetFormChoices(db: Db, regionPath: string) {
	return {
		regions: await db.selectFrom('regions').select(['code', 'name', 'level']).where('path', 'like', `${regionPath}%`).orderBy('path').execute(),
		industries: await db.selectFrom('industries').select(['code', 'name']).orderBy('sort').execute(),
		courses: await db.selectFrom('courses').select(['code', 'title']).where('status', '=', 'published').orderBy('title').execute()
	};
}

function targetValues(input: TargetInput, ownerOrgId: number | null, userId: number | null, now: Date) {
	return {
		code: input.code,
		title: input.title,
		region_code: input.regionCode,
		owner_org_id: ownerOrgId,
		period_start: input.periodStart,
		period_end: input.periodEnd,
		deadline: input.deadline,
		goal_percent: String(input.goalPercent),
		definition: JSON.stringify(input.definition),
		source_doc: input.sourceDoc,
		source_clause: input.sourceClause,
		note: input.note,
		created_by: userId,
		created_at: now
	};
}

/** The documents' targets (idempotent: a code already present is left alone). */
export async function seedCoverageTargets(db: Db, now: Date, targets: TargetInput[] = SEEDED_TARGETS): Promise<number> {
	let added = 0;
	for (const raw of targets) {
		const input = targetInputSchema.parse(raw);
		if (await targetCodeExists(db, input.code)) continue;
		await insertTarget(db, input, null, null, now);
		added++;
	}
	return added;
}
