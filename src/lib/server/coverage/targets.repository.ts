import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { targetDefinitionSchema, targetInputSchema, firstProblem, type TargetDefinition, type TargetInput } from './target.ts';
import { SEEDED_TARGETS } from './seeded-targets.ts';
import { appendAudit } from '../audit/audit.ts';

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

export type CreateTargetResult = { ok: true; id: number } | { ok: false; message: string };

/**
 * Validates and stores a target; the insert trigger computes its coverage. A regulator may only
 * add targets for its own region or a region below it.
 */
export async function createTarget(
	db: Db,
	raw: unknown,
	actor: { userId: number | null; role: string | null; orgId: number | null; regionPath: string | null; ip: string | null },
	now: Date
): Promise<CreateTargetResult> {
	const parsed = targetInputSchema.safeParse(raw);
	if (!parsed.success) return { ok: false, message: firstProblem(parsed.error) };
	const input = parsed.data;
	const region = await db.selectFrom('regions').select(['code', 'path']).where('code', '=', input.regionCode).executeTakeFirst();
	if (!region) return { ok: false, message: `区域：没有代码为 ${input.regionCode} 的区域` };
	if (actor.regionPath && !region.path.startsWith(actor.regionPath)) return { ok: false, message: '区域：只能为本辖区设定目标' };
	const d = input.definition;
	if (d.population.industries.length) {
		const known = await db.selectFrom('industries').select('code').where('code', 'in', d.population.industries).execute();
		const missing = d.population.industries.filter((c) => !known.some((k) => k.code === c));
		if (missing.length) return { ok: false, message: `对象.行业：未知的行业代码 ${missing.join('、')}` };
	}
	if (d.requirement.study.kind === 'courses') {
		const codes = d.requirement.study.courseCodes;
		const known = await db.selectFrom('courses').select('code').where('code', 'in', codes).execute();
		const missing = codes.filter((c) => !known.some((k) => k.code === c));
		if (missing.length) return { ok: false, message: `要求.学习.课程：未知的课程代码 ${missing.join('、')}` };
	}
	const exists = await db.selectFrom('coverage_targets').select('id').where('code', '=', input.code).executeTakeFirst();
	if (exists) return { ok: false, message: `代码：${input.code} 已被使用` };
	const row = await db
		.insertInto('coverage_targets')
		.values(targetValues(input, actor.orgId, actor.userId, now))
		.returning('id')
		.executeTakeFirstOrThrow();
	await appendAudit(db, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'coverage.target_created', target: `coverage_target:${row.id}`, detail: { code: input.code }, ip: actor.ip });
	return { ok: true, id: row.id };
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
		const exists = await db.selectFrom('coverage_targets').select('id').where('code', '=', input.code).executeTakeFirst();
		if (exists) continue;
		await db.insertInto('coverage_targets').values(targetValues(input, null, null, now)).execute();
		added++;
	}
	return added;
}
