import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

// All SQL of merging a duplicate enterprise. Every column that references organisations(id) is
// listed in exactly one of the lists below; tests/integration/enterprise-merge.spec.ts reads the
// foreign keys from the catalogue and fails when a new one is in none of them.

/** Moved from the duplicate to the record kept (plain UPDATE … SET col = keep WHERE col = dup). */
export const MOVED_COLUMNS = [
	{ table: 'persons', column: 'org_id', label: '人员' },
	{ table: 'certificates', column: 'holder_org_id', label: '证书（持证单位）' },
	{ table: 'so_applications', column: 'enterprise_org_id', label: '特种作业报名（代报单位）' },
	{ table: 'files', column: 'owner_org_id', label: '文件' },
	{ table: 'courses', column: 'owner_org_id', label: '本单位课程' },
	{ table: 'live_classes', column: 'owner_org_id', label: '直播课（本单位组织的）' }
] as const;

/** memberships.org_id: moved too, but a user who has the same role in both keeps one membership. */
export const MEMBERSHIP_COLUMN = { table: 'memberships', column: 'org_id' } as const;

/** Left on the duplicate on purpose: append-only history, or the merge's own bookkeeping. */
export const KEPT_COLUMNS = [
	{ table: 'finding_decisions', column: 'org_id', why: '监管处置记录只追加，保留在原记录上' },
	{ table: 'finding_decisions', column: 'decided_org_id', why: '作出处置的监管部门' },
	{ table: 'registration_applications', column: 'created_org_id', why: '注册申请的历史' },
	{ table: 'organisations', column: 'merged_into', why: '合并去向' },
	{ table: 'supervision_notice_recipients', column: 'org_id', why: '督办通知只追加，收件企业与发送时的差距保留在原记录上' },
	{ table: 'face_signins', column: 'org_id', why: '现场签到记录只追加，记录的是签到时的单位' }
] as const;

/** Only ever an institution, regulator or the platform: an enterprise has none of these. */
export const NOT_ENTERPRISE_COLUMNS = [
	{ table: 'supervision_notices', column: 'regulator_org_id' },
	{ table: 'qb_banks', column: 'owner_org_id' },
	{ table: 'exam_blueprints', column: 'owner_org_id' },
	{ table: 'exam_sessions', column: 'owner_org_id' },
	{ table: 'certificates', column: 'issuer_org_id' },
	{ table: 'certificates', column: 'institution_org_id' },
	{ table: 'signing_keys', column: 'issuer_org_id' },
	{ table: 'coverage_targets', column: 'owner_org_id' },
	{ table: 'institution_scopes', column: 'institution_org_id' },
	{ table: 'institution_scopes', column: 'filed_with_org_id' },
	{ table: 'training_cohorts', column: 'institution_org_id' },
	{ table: 'so_applications', column: 'institution_org_id' },
	{ table: 'exam_centres', column: 'institution_org_id' },
	{ table: 'practical_sessions', column: 'institution_org_id' }
] as const;

export type MergeCandidate = { id: number; name: string; credit_code: string | null; region_name: string; region_path: string; persons: number };

function enterprises(db: Db, regionPath: string | null) {
	let q = db
		.selectFrom('organisations as o')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.select([
			'o.id',
			'o.name',
			'o.credit_code',
			'r.name as region_name',
			'r.path as region_path',
			(eb) => eb.selectFrom('persons as p').select(eb.fn.countAll<number>().as('n')).whereRef('p.org_id', '=', 'o.id').as('persons')
		])
		.where('o.kind', '=', 'enterprise')
		.where('o.merged_into', 'is', null);
	if (regionPath !== null) q = q.where('r.path', 'like', `${regionPath}%`);
	return q;
}

/** Enterprises in scope whose credit code is `q`, or whose name contains it. */
export async function searchEnterprises(db: Db, regionPath: string | null, q: string): Promise<MergeCandidate[]> {
	const like = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
	const rows = await enterprises(db, regionPath)
		.where((eb) => eb.or([eb('o.credit_code', '=', q.toUpperCase()), eb('o.name', 'like', like)]))
		.orderBy('o.name')
		.limit(50)
		.execute();
	return rows.map((r) => ({ ...r, persons: Number(r.persons) }));
}

export async function findEnterprise(db: Db, regionPath: string | null, id: number, forUpdate = false): Promise<MergeCandidate | undefined> {
	let q = enterprises(db, regionPath).where('o.id', '=', id);
	if (forUpdate) q = q.forUpdate('o');
	const r = await q.executeTakeFirst();
	return r && { ...r, persons: Number(r.persons) };
}

async function count(db: Db, query: ReturnType<typeof sql<{ n: number }>>): Promise<number> {
	const r = await query.execute(db);
	return Number(r.rows[0]?.n ?? 0);
}

/** What a merge would move away from `dupId` (and what moves along with its persons). */
export async function countMergeRows(db: Db, dupId: number) {
	const persons = await count(db, sql<{ n: number }>`select count(*)::int as n from persons where org_id = ${dupId}`);
	const memberships = await count(db, sql<{ n: number }>`select count(*)::int as n from memberships where org_id = ${dupId}`);
	const users = await count(db, sql<{ n: number }>`select count(distinct user_id)::int as n from memberships where org_id = ${dupId}`);
	const enrolments = await count(db, sql<{ n: number }>`select count(*)::int as n from enrolments e join persons p on p.id = e.person_id where p.org_id = ${dupId}`);
	const candidates = await count(db, sql<{ n: number }>`select count(*)::int as n from exam_candidates c join persons p on p.id = c.person_id where p.org_id = ${dupId}`);
	const attempts = await count(db, sql<{ n: number }>`select count(*)::int as n from exam_attempts a join persons p on p.id = a.person_id where p.org_id = ${dupId}`);
	const certificates = await count(db, sql<{ n: number }>`select count(*)::int as n from certificates where holder_org_id = ${dupId}`);
	const soApplications = await count(db, sql<{ n: number }>`select count(*)::int as n from so_applications where enterprise_org_id = ${dupId}`);
	const files = await count(db, sql<{ n: number }>`select count(*)::int as n from files where owner_org_id = ${dupId}`);
	const coverageRows = await count(db, sql<{ n: number }>`select count(*)::int as n from coverage_person where org_id = ${dupId}`);
	const findings = await count(db, sql<{ n: number }>`select count(*)::int as n from finding_decisions where org_id = ${dupId}`);
	return { persons, users, memberships, enrolments, candidates, attempts, certificates, soApplications, files, coverageRows, findings };
}
export type MergeCounts = Awaited<ReturnType<typeof countMergeRows>>;

export async function moveColumn(db: Db, table: string, column: string, keepId: number, dupId: number): Promise<number> {
	const r = await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${keepId} where ${sql.ref(column)} = ${dupId}`.execute(db);
	return Number(r.numAffectedRows ?? 0);
}

/**
 * Memberships: where the user already has the same role in the kept enterprise, their sessions
 * switch to that membership and the duplicate's is deleted; the rest move. Returns [moved, merged].
 */
export async function moveMemberships(db: Db, keepId: number, dupId: number): Promise<[number, number]> {
	await sql`update sessions s set membership_id = k.id
		from memberships d join memberships k on k.user_id = d.user_id and k.role = d.role and k.org_id = ${keepId}
		where d.org_id = ${dupId} and s.membership_id = d.id`.execute(db);
	const merged = await sql`delete from memberships d using memberships k
		where d.org_id = ${dupId} and k.org_id = ${keepId} and k.user_id = d.user_id and k.role = d.role`.execute(db);
	const moved = await db.updateTable('memberships').set({ org_id: keepId }).where('org_id', '=', dupId).executeTakeFirst();
	return [Number(moved.numUpdatedRows), Number(merged.numAffectedRows ?? 0)];
}

export async function markMerged(db: Db, dupId: number, keepId: number, now: Date): Promise<void> {
	await db.updateTable('organisations').set({ merged_into: keepId, merged_at: now }).where('id', '=', dupId).execute();
}
