// Merging a duplicate enterprise (issue 12): every row moves in one transaction, the counts add
// up, the coverage counters maintained by triggers stay equal to the definition, and a regulator
// cannot merge outside its region.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { seedIfEmpty } from '../../seeds/index.ts';
import { validCreditCode } from '../support/factories.ts';
import { mergeEnterprises, previewMerge, type MergeActor } from '../../src/lib/server/orgs/merge.ts';
import { KEPT_COLUMNS, MEMBERSHIP_COLUMN, MOVED_COLUMNS, NOT_ENTERPRISE_COLUMNS } from '../../src/lib/server/orgs/merge.repository.ts';
import { createSession } from '../../src/lib/server/auth/session.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

const NOW = new Date('2026-12-05T03:00:00Z');

async function snapshot(db: Db, orgId: number) {
	const one = async (q: ReturnType<typeof sql<{ n: number }>>) => Number((await q.execute(db)).rows[0]?.n ?? 0);
	return {
		persons: await one(sql`select count(*)::int as n from persons where org_id = ${orgId}`),
		memberships: await one(sql`select count(*)::int as n from memberships where org_id = ${orgId}`),
		enrolments: await one(sql`select count(*)::int as n from enrolments e join persons p on p.id = e.person_id where p.org_id = ${orgId}`),
		lessonProgress: await one(sql`select count(*)::int as n from lesson_progress l join enrolments e on e.id = l.enrolment_id join persons p on p.id = e.person_id where p.org_id = ${orgId}`),
		candidates: await one(sql`select count(*)::int as n from exam_candidates c join persons p on p.id = c.person_id where p.org_id = ${orgId}`),
		attempts: await one(sql`select count(*)::int as n from exam_attempts a join persons p on p.id = a.person_id where p.org_id = ${orgId}`),
		certificates: await one(sql`select count(*)::int as n from certificates where holder_org_id = ${orgId}`),
		coverageRequired: await one(sql`select coalesce(sum(required), 0)::int as n from coverage_org_counts where org_id = ${orgId}`),
		coverageCovered: await one(sql`select coalesce(sum(covered), 0)::int as n from coverage_org_counts where org_id = ${orgId}`),
		coveragePersons: await one(sql`select count(*)::int as n from coverage_person where org_id = ${orgId}`)
	};
}

/** The maintained per-organisation counts equal the definition (the coverage view). */
async function coverageMismatches(db: Db): Promise<number> {
	const { rows } = await sql<{ n: number }>`
		select count(*)::int as n from (
			select target_id, org_id, sum(required) as r, sum(covered) as c from coverage_org_counts group by 1, 2 having sum(required) <> 0 or sum(covered) <> 0
		) k full join (
			select target_id, org_id, count(*) as r, count(*) filter (where not (study_missing or exam_missing or certificate_missing)) as c from coverage_evaluation group by 1, 2
		) e using (target_id, org_id)
		where k.r is distinct from e.r or k.c is distinct from e.c`.execute(db);
	return rows[0]!.n;
}

describe.each(BACKENDS)('merging a duplicate enterprise (%s)', (backend) => {
	let t: TestDatabase;
	let keepId: number;
	let dupId: number;
	let yubeiEnterpriseId: number;
	let changshou: MergeActor;
	let yubei: MergeActor;

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		await seedIfEmpty(t.db, { demo: true });
		const org = (name: string) => t.db.selectFrom('organisations').select(['id', 'region_code', 'industry_code']).where('name', '=', name).executeTakeFirstOrThrow();
		const keep = await org('重庆长风化工有限公司');
		keepId = keep.id;
		yubeiEnterpriseId = (await org('重庆渝北精工机械有限公司')).id;
		const user = (mobile: string) => t.db.selectFrom('users').select('id').where('mobile', '=', mobile).executeTakeFirstOrThrow();
		const regulator = async (mobile: string, regionPath: string, ip: string): Promise<MergeActor> => {
			const userId = (await user(mobile)).id;
			const { org_id } = await t.db.selectFrom('memberships').select('org_id').where('user_id', '=', userId).where('role', '=', 'regulator').executeTakeFirstOrThrow();
			return { userId, role: 'regulator', orgId: org_id, personId: null, regionPath, ip };
		};
		changshou = await regulator('13800000010', '/500000/500115/', '10.1.0.1');
		yubei = await regulator('13800000003', '/500000/500112/', '10.1.0.2');

		// The same company entered a second time: half of its staff (with their accounts, study,
		// exams and certificates) were put on the duplicate.
		const dup = await t.db
			.insertInto('organisations')
			.values({ kind: 'enterprise', name: '长风化工（重复录入）', credit_code: validCreditCode('500115'), region_code: keep.region_code, industry_code: keep.industry_code })
			.returning('id')
			.executeTakeFirstOrThrow();
		dupId = dup.id;
		const moved = await t.db.transaction().execute(async (tx) => {
			const r = await sql<{ id: number }>`update persons set org_id = ${dupId} where org_id = ${keepId} and id % 2 = 1 returning id`.execute(tx);
			const ids = r.rows.map((p) => p.id);
			await tx.updateTable('certificates').set({ holder_org_id: dupId }).where('person_id', 'in', ids).execute();
			await sql`update memberships m set org_id = ${dupId} from users u where u.id = m.user_id and u.person_id = any(${ids}) and m.role = 'learner'`.execute(tx);
			return ids.length;
		});
		expect(moved).toBeGreaterThan(1);
		// 吴立新 administers both records: one membership each, and a session on the duplicate's
		const wu = await user('13800000009');
		const m = await t.db.insertInto('memberships').values({ user_id: wu.id, role: 'enterprise_admin', org_id: dupId }).returning('id').executeTakeFirstOrThrow();
		await createSession(t.db, wu.id, m.id, NOW);
	});
	afterAll(async () => t?.close());

	it('classifies every column that references an organisation', async () => {
		const { rows } = await sql<{ table_name: string; column_name: string }>`
			select kcu.table_name, kcu.column_name
			from information_schema.table_constraints tc
			join information_schema.key_column_usage kcu on kcu.constraint_name = tc.constraint_name and kcu.table_schema = tc.table_schema
			join information_schema.constraint_column_usage ccu on ccu.constraint_name = tc.constraint_name and ccu.table_schema = tc.table_schema
			where tc.constraint_type = 'FOREIGN KEY' and ccu.table_name = 'organisations' and tc.table_schema = current_schema()`.execute(t.db);
		const known = new Set([...MOVED_COLUMNS, MEMBERSHIP_COLUMN, ...KEPT_COLUMNS, ...NOT_ENTERPRISE_COLUMNS].map((c) => `${c.table}.${c.column}`));
		const found = rows.map((r) => `${r.table_name}.${r.column_name}`);
		expect(found.length).toBeGreaterThan(10);
		expect(found.filter((f) => !known.has(f)), 'a new column referencing organisations: decide whether a merge moves it (src/lib/server/orgs/merge.repository.ts)').toEqual([]);
	});

	it('refuses a regulator a merge that reaches outside its region', async () => {
		const before = await snapshot(t.db, dupId);
		expect(await previewMerge(t.db, yubei.regionPath, yubeiEnterpriseId, dupId)).toBeNull();
		const r = await mergeEnterprises(t.db, yubei, yubeiEnterpriseId, dupId, NOW);
		expect(r).toMatchObject({ ok: false, status: 404 });
		const r2 = await mergeEnterprises(t.db, changshou, keepId, yubeiEnterpriseId, NOW);
		expect(r2).toMatchObject({ ok: false, status: 404 });
		expect(await snapshot(t.db, dupId)).toEqual(before);
		const o = await t.db.selectFrom('organisations').select('merged_into').where('id', 'in', [dupId, yubeiEnterpriseId]).execute();
		expect(o.every((x) => x.merged_into === null)).toBe(true);
	});

	it('refuses merging an enterprise into itself', async () => {
		expect(await mergeEnterprises(t.db, changshou, keepId, keepId, NOW)).toMatchObject({ ok: false, status: 400 });
	});

	it('moves every row to the record kept in one transaction; the counts add up and coverage stays right', async () => {
		const keepBefore = await snapshot(t.db, keepId);
		const dupBefore = await snapshot(t.db, dupId);
		expect(dupBefore.persons).toBeGreaterThan(0);
		expect(dupBefore.enrolments + dupBefore.attempts + dupBefore.certificates).toBeGreaterThan(0);
		expect(dupBefore.coverageRequired).toBeGreaterThan(0);
		expect(await coverageMismatches(t.db)).toBe(0);

		const preview = await previewMerge(t.db, changshou.regionPath, keepId, dupId);
		expect(preview?.counts).toMatchObject({
			persons: dupBefore.persons,
			memberships: dupBefore.memberships,
			enrolments: dupBefore.enrolments,
			candidates: dupBefore.candidates,
			attempts: dupBefore.attempts,
			certificates: dupBefore.certificates,
			coverageRows: dupBefore.coveragePersons
		});

		const r = await mergeEnterprises(t.db, changshou, keepId, dupId, NOW);
		if (!r.ok) throw new Error(r.message);
		expect(r.moved['persons.org_id']).toBe(dupBefore.persons);
		expect(r.moved['certificates.holder_org_id']).toBe(dupBefore.certificates);
		// 吴立新's second enterprise_admin membership merged into the one he had
		expect(r.moved['memberships.merged']).toBe(1);
		expect(r.moved['memberships.org_id']).toBe(dupBefore.memberships - 1);

		const keepAfter = await snapshot(t.db, keepId);
		const dupAfter = await snapshot(t.db, dupId);
		for (const k of Object.keys(keepBefore) as (keyof typeof keepBefore)[]) {
			const expected = k === 'memberships' ? keepBefore[k] + dupBefore[k] - 1 : keepBefore[k] + dupBefore[k];
			expect(keepAfter[k], k).toBe(expected);
			expect(dupAfter[k], k).toBe(0);
		}
		expect(await coverageMismatches(t.db)).toBe(0);

		const dup = await t.db.selectFrom('organisations').select(['merged_into', 'merged_at']).where('id', '=', dupId).executeTakeFirstOrThrow();
		expect(dup.merged_into).toBe(keepId);
		expect(dup.merged_at?.toISOString()).toBe(NOW.toISOString());
		// the session that acted for the duplicate now acts for the record kept
		const wu = await t.db.selectFrom('users').select('id').where('mobile', '=', '13800000009').executeTakeFirstOrThrow();
		const sessions = await t.db
			.selectFrom('sessions as s')
			.innerJoin('memberships as m', 'm.id', 's.membership_id')
			.select('m.org_id')
			.where('s.user_id', '=', wu.id)
			.execute();
		expect(sessions.length).toBeGreaterThan(0);
		expect(sessions.every((s) => s.org_id === keepId)).toBe(true);

		const audit = await t.db.selectFrom('audit_log').select(['actor_user_id', 'detail']).where('action', '=', 'org.merge').execute();
		expect(audit).toHaveLength(1);
		expect(audit[0]!.actor_user_id).toBe(changshou.userId);
		expect((audit[0]!.detail as { counts: { persons: number } }).counts.persons).toBe(dupBefore.persons);

		// a merged record cannot be merged again, nor chosen as the one to keep
		expect(await mergeEnterprises(t.db, changshou, keepId, dupId, NOW)).toMatchObject({ ok: false, status: 404 });
		expect(await mergeEnterprises(t.db, changshou, dupId, keepId, NOW)).toMatchObject({ ok: false, status: 404 });
	});
});
