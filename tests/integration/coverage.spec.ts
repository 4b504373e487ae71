// Coverage against targets (issue 7): definitions, numbers on a small known dataset, maintained
// counts equal to the definition after random and concurrent changes, region scoping.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import { makeCourse, makePerson } from '../support/study-factories.ts';
import { createTarget } from '../../src/lib/server/coverage/targets-service.ts';
import { targetDefinitionSchema, firstProblem } from '../../src/lib/server/coverage/target.ts';
import { countsAtNode, naiveCountsAtNode, listGaps, countsByChildNode, countsByRole } from '../../src/lib/server/coverage/coverage.query.ts';
import { loadNodeDashboard } from '../../src/lib/server/coverage/dashboard.ts';
import { exportCoverageTable } from '../../src/lib/server/coverage/exports.ts';
import { getPersonStudyLog } from '../../src/lib/server/findings/evidence.query.ts';
import { completeCourse, createExamSession, insertCertificate, insertFinishedAttempt } from '../../seeds/demo-coverage.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

const NOW = new Date('2026-06-15T04:00:00Z');
const ACTOR = { userId: null, role: 'regulator', orgId: null, personId: null, regionPath: null, ip: null };

const baseTarget = {
	code: 'all-staff-2026',
	title: '全员培训',
	regionCode: '500000',
	periodStart: '2026-01-01',
	periodEnd: '2026-12-31',
	deadline: '2026-12-31',
	goalPercent: 100,
	definition: {
		population: { orgKinds: ['enterprise'], roleCategories: ['principal', 'frontline', 'special_worker'], industries: [], highRisk: null, scale: null },
		requirement: { study: { kind: 'any_course' }, exam: null, certificate: null }
	},
	sourceDoc: '渝安委〔2024〕6号',
	sourceClause: '附件 三、5'
};

async function compareWithNaive(db: Db) {
	const targets = (await db.selectFrom('coverage_targets').select('id').execute()).map((t) => t.id);
	const regions = await db.selectFrom('regions').select(['code', 'path']).where('code', 'in', ['500000', '500112', '500115', '500112001', '500112007', '500115003']).execute();
	for (const r of regions) {
		const m = await countsAtNode(db, targets, r.code);
		const n = await naiveCountsAtNode(db, r.path);
		for (const t of targets) {
			expect(m.get(t) ?? { required: 0, covered: 0 }, `target ${t} at ${r.code}`).toEqual(n.get(t) ?? { required: 0, covered: 0 });
		}
	}
	const { rows: orgDiff } = await sql<{ n: number }>`
		select count(*)::int as n from (
			select target_id, org_id, sum(required) as r, sum(covered) as c from coverage_org_counts group by 1, 2 having sum(required) <> 0 or sum(covered) <> 0
		) k full join (
			select target_id, org_id, count(*) as r, count(*) filter (where not (study_missing or exam_missing or certificate_missing)) as c from coverage_evaluation group by 1, 2
		) e using (target_id, org_id)
		where k.r is distinct from e.r or k.c is distinct from e.c`.execute(db);
	expect(orgDiff[0]!.n).toBe(0);
	const { rows: monthDiff } = await sql<{ n: number }>`
		select count(*)::int as n from (select target_id, node_code, sum(covered) as c from coverage_month_counts group by 1, 2) m
		full join (select target_id, node_code, sum(covered) as c from coverage_node_counts group by 1, 2) k using (target_id, node_code)
		where coalesce(m.c, 0) <> coalesce(k.c, 0)`.execute(db);
	expect(monthDiff[0]!.n).toBe(0);
}

describe('target definitions', () => {
	it('refuses malformed definitions with a message naming the field', () => {
		const bad = (patch: (d: typeof baseTarget.definition) => unknown) => {
			const r = targetDefinitionSchema.safeParse(patch(structuredClone(baseTarget.definition)));
			expect(r.success).toBe(false);
			return firstProblem(r.error!);
		};
		expect(bad((d) => ({ ...d, population: { ...d.population, roleCategories: [] } }))).toContain('对象.人员类别');
		expect(bad((d) => ({ ...d, population: { ...d.population, roleCategories: ['boss'] } }))).toContain('对象.人员类别');
		expect(bad((d) => ({ ...d, population: { ...d.population, orgKinds: 'enterprise' } }))).toContain('对象.单位类型');
		expect(bad((d) => ({ ...d, requirement: { ...d.requirement, study: { kind: 'watch' } } }))).toContain('要求.学习.方式');
		expect(bad((d) => ({ ...d, requirement: { ...d.requirement, study: { kind: 'hours', hours: -2 } } }))).toContain('要求.学习.学时');
		expect(bad((d) => ({ ...d, requirement: { study: { kind: 'none' }, exam: null, certificate: null } }))).toContain('要求');
		expect(bad((d) => ({ ...d, requirement: { ...d.requirement, certificate: { types: ['driving'] } } }))).toContain('要求.证书.类型');
		expect(bad(() => 'x')).toContain('目标定义');
	});
});

describe.each(BACKENDS)('coverage (%s)', (backend) => {
	let t: TestDatabase;
	let db: Db;
	let course: number;
	let yubeiChem: number;
	let changshouMach: number;
	let institution: number;
	let regulatorOrg: number;
	const persons: Record<string, number> = {};

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		db = t.db;
		course = (await makeCourse(db, [{ minutes: 30 }])).courseId;
		yubeiChem = await makeOrg(db, 'enterprise', '500112');
		await db.updateTable('organisations').set({ industry_code: 'hazchem', region_code: '500112001' }).where('id', '=', yubeiChem).execute();
		changshouMach = await makeOrg(db, 'enterprise', '500115');
		await db.updateTable('organisations').set({ region_code: '500115003' }).where('id', '=', changshouMach).execute();
		institution = await makeOrg(db, 'institution');
		regulatorOrg = await makeOrg(db, 'regulator', '500000');
		for (const [key, org, role] of [
			['yPrincipal', yubeiChem, 'principal'],
			['yFront1', yubeiChem, 'frontline'],
			['yFront2', yubeiChem, 'frontline'],
			['cPrincipal', changshouMach, 'principal'],
			['cFront', changshouMach, 'frontline']
		] as const) {
			persons[key] = await makePerson(db, org, { role });
		}
		persons.ySpecial = (await db.insertInto('persons').values({ name: '特种甲', id_number: '500112199001011234', org_id: yubeiChem, role_category: 'special_worker', special_operation_code: '9.3' }).returning('id').executeTakeFirstOrThrow()).id;
	});
	afterAll(async () => t?.close());

	it('computes rates, breakdowns and gaps on a known dataset', async () => {
		const created = await createTarget(db, baseTarget, ACTOR, NOW);
		expect(created.ok).toBe(true);
		const all = (created as { id: number }).id;
		const r2 = await createTarget(db, { ...baseTarget, code: 'hr-exam', definition: { population: { ...baseTarget.definition.population, highRisk: true }, requirement: { study: { kind: 'any_course' }, exam: { certificateTypes: [] }, certificate: null } } }, ACTOR, NOW);
		const r3 = await createTarget(db, { ...baseTarget, code: 'special-cert', periodStart: '2024-01-01', definition: { population: { ...baseTarget.definition.population, roleCategories: ['special_worker'] }, requirement: { study: { kind: 'none' }, exam: null, certificate: { types: ['special_work'] } } } }, ACTOR, NOW);
		const hr = (r2 as { id: number }).id;
		const cert = (r3 as { id: number }).id;

		let c = await countsAtNode(db, [all, hr, cert], '500000');
		expect(c.get(all)).toEqual({ required: 6, covered: 0 });
		expect(c.get(hr)).toEqual({ required: 4, covered: 0 });

		await completeCourse(db, persons.yPrincipal!, course, new Date('2026-03-10T02:00:00Z'));
		await completeCourse(db, persons.cFront!, course, new Date('2026-05-02T02:00:00Z'));
		await completeCourse(db, persons.yFront1!, course, new Date('2025-05-02T02:00:00Z')); // last year: does not count
		c = await countsAtNode(db, [all, hr], '500000');
		expect(c.get(all)).toEqual({ required: 6, covered: 2 });
		expect((await countsAtNode(db, [all], '500112')).get(all)).toEqual({ required: 4, covered: 1 });
		expect((await countsAtNode(db, [all], '500115003')).get(all)).toEqual({ required: 2, covered: 1 });
		expect(c.get(hr)).toEqual({ required: 4, covered: 0 }); // study done, exam missing

		const exam = await createExamSession(db, { institutionId: institution, name: '考核', certificateType: 'training', opensAt: new Date('2026-04-01T01:00:00Z') });
		await insertFinishedAttempt(db, exam, { personId: persons.yPrincipal!, startedAt: new Date('2026-04-01T02:00:00Z'), minutes: 40, score: 85 });
		const voided = await insertFinishedAttempt(db, exam, { personId: persons.yFront2!, startedAt: new Date('2026-04-01T02:00:00Z'), minutes: 40, score: 90 });
		await completeCourse(db, persons.yFront2!, course, new Date('2026-04-20T02:00:00Z'));
		expect((await countsAtNode(db, [hr], '500000')).get(hr)).toEqual({ required: 4, covered: 2 });
		await db.updateTable('exam_attempts').set({ decision: 'voided' }).where('id', '=', voided).execute();
		expect((await countsAtNode(db, [hr], '500000')).get(hr)).toEqual({ required: 4, covered: 1 });

		// certificates: valid today counts, expired does not, and a daily sweep catches expiry
		await insertCertificate(db, { personId: persons.ySpecial!, holderOrgId: yubeiChem, type: 'special_work', op: '9.3', issuedOn: '2020-01-01', validUntil: '2099-01-01', issuerOrgId: regulatorOrg, institutionOrgId: institution, at: NOW });
		expect((await countsAtNode(db, [cert], '500000')).get(cert)).toEqual({ required: 1, covered: 1 });
		await db.transaction().execute(async (tx) => {
			await sql`set local anxun.today = '2026-06-15'`.execute(tx);
			await tx.updateTable('certificates').set({ valid_until: '2026-07-01' }).where('person_id', '=', persons.ySpecial!).execute();
			await sql`set constraints all immediate`.execute(tx);
			expect((await countsAtNode(tx, [cert], '500000')).get(cert)).toEqual({ required: 1, covered: 1 });
			await sql`set local anxun.today = '2026-08-01'`.execute(tx);
			expect((await sql<{ n: number }>`select coverage_refresh_expired() as n`.execute(tx)).rows[0]!.n).toBe(1);
			expect((await countsAtNode(tx, [cert], '500000')).get(cert)).toEqual({ required: 1, covered: 0 });
		});

		const children = await countsByChildNode(db, all, '500000');
		expect(children.map((ch) => [ch.code, ch.required, ch.covered])).toEqual([['500112', 4, 2], ['500115', 2, 1]]);
		expect(await countsByRole(db, all, '500112')).toEqual([
			{ key: 'frontline', required: 2, covered: 1 },
			{ key: 'principal', required: 1, covered: 1 },
			{ key: 'special_worker', required: 1, covered: 0 }
		]);
		const gaps = await listGaps(db, { targetId: all, regionPath: '/500000/500112/', limit: 10 });
		expect(gaps.map((g) => g.person_id).sort()).toEqual([persons.yFront1, persons.ySpecial].sort());
		expect(gaps[0]!.id_masked).toMatch(/^\d{4}\*+\w{4}$/);

		const dash = await loadNodeDashboard(db, { regionCode: '500000', regionPath: '/500000/' }, all, '500000', NOW);
		expect(dash!.trend.map((p) => p.covered)).toEqual([0, 0, 1, 2, 3, 3]); // Jan..Jun
		await compareWithNaive(db);
	});

	it('refuses a target outside the regulator region, and other bad input, naming the field', async () => {
		const yubei = { ...ACTOR, regionPath: '/500000/500112/' };
		expect(await createTarget(db, { ...baseTarget, code: 'x-1', regionCode: '500115' }, yubei, NOW)).toEqual({ ok: false, message: '区域：只能为本辖区设定目标' });
		expect(await createTarget(db, { ...baseTarget, code: 'x-2', periodEnd: '2025-01-01' }, yubei, NOW)).toMatchObject({ ok: false, message: expect.stringContaining('周期结束') });
		expect(await createTarget(db, { ...baseTarget, code: 'x-3', regionCode: '500112', definition: { ...baseTarget.definition, requirement: { study: { kind: 'courses', courseCodes: ['no-such-course'] }, exam: null, certificate: null } } }, yubei, NOW)).toMatchObject({ ok: false, message: expect.stringContaining('要求.学习.课程') });
		expect(await createTarget(db, { ...baseTarget, code: 'Bad Code' }, yubei, NOW)).toMatchObject({ ok: false, message: expect.stringContaining('代码') });
		expect(await createTarget(db, { ...baseTarget }, ACTOR, NOW)).toMatchObject({ ok: false, message: expect.stringContaining('已被使用') });
	});

	it('keeps a 区县 regulator to its own region (dashboard, exports, evidence)', async () => {
		const target = (await db.selectFrom('coverage_targets').select('id').where('code', '=', 'all-staff-2026').executeTakeFirstOrThrow()).id;
		const yubei = { regionCode: '500112', regionPath: '/500000/500112/' };
		expect(await loadNodeDashboard(db, yubei, target, '500115', NOW)).toBeUndefined();
		expect(await loadNodeDashboard(db, yubei, target, '500115003', NOW)).toBeUndefined();
		expect(await loadNodeDashboard(db, yubei, target, '500000', NOW)).toBeUndefined();
		const own = await loadNodeDashboard(db, yubei, target, '500112', NOW);
		expect(own!.gaps.every((g) => g.org_id === yubeiChem)).toBe(true);
		expect(await exportCoverageTable(db, yubei, { targetId: target, node: '500115', table: 'gaps' }, NOW)).toBeUndefined();
		expect(await exportCoverageTable(db, yubei, { targetId: target, node: '500112', table: 'persons', orgId: changshouMach }, NOW)).toBeUndefined();
		expect(await getPersonStudyLog(db, persons.cFront!, yubei.regionPath)).toBeUndefined();
		expect(await getPersonStudyLog(db, persons.yFront1!, yubei.regionPath)).toBeDefined();
	});

	it('maintained counts equal a recount after random changes', async () => {
		let seed = 42;
		const rnd = (n: number) => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed % n;
		};
		const ids = Object.values(persons);
		for (let i = 0; i < 8; i++) ids.push(await makePerson(db, i % 2 ? yubeiChem : changshouMach, { role: i % 3 ? 'frontline' : 'principal' }));
		const exam = await createExamSession(db, { institutionId: institution, name: '随机', certificateType: 'training', opensAt: new Date('2026-02-01T00:00:00Z') });
		for (let step = 0; step < 60; step++) {
			const p = ids[rnd(ids.length)]!;
			switch (rnd(9)) {
				case 0:
					await completeCourse(db, p, course, new Date(Date.UTC(2026, rnd(6), 1 + rnd(27))));
					break;
				case 1:
					await db.updateTable('enrolments').set({ completed_at: null }).where('person_id', '=', p).execute();
					break;
				case 2:
					await db.updateTable('persons').set({ active: rnd(2) === 0 }).where('id', '=', p).execute();
					break;
				case 3:
					await db.updateTable('persons').set({ role_category: rnd(2) ? 'frontline' : 'deputy' }).where('id', '=', p).where('role_category', '<>', 'special_worker').execute();
					break;
				case 4:
					await insertFinishedAttempt(db, exam, { personId: p, startedAt: new Date('2026-02-01T01:00:00Z'), minutes: 30, score: 60 + rnd(40) }).catch(() => undefined);
					break;
				case 5:
					await db.updateTable('organisations').set({ region_code: rnd(2) ? '500112007' : '500112001' }).where('id', '=', yubeiChem).execute();
					break;
				// updates of attempts and lesson progress: the row triggers' WHEN clauses (migration 034)
				case 6:
					await db.updateTable('exam_attempts').set({ decision: rnd(2) ? 'voided' : 'cleared' }).where('person_id', '=', p).where('status', '=', 'finished').execute();
					break;
				case 7:
					await sql`update exam_attempts set passed = not passed where person_id = ${p} and status = 'finished'`.execute(db);
					break;
				case 8:
					await sql`update lesson_progress set completed_at = case when completed_at is null then ${new Date(Date.UTC(2026, rnd(6), 2))}::timestamptz end
						where enrolment_id in (select id from enrolments where person_id = ${p})`.execute(db);
					break;
			}
		}
		await compareWithNaive(db);
	});

	it('follows an attempt that is re-graded, voided or restored, and not one that only starts (row trigger, migration 034)', async () => {
		const target = (await createTarget(db, { ...baseTarget, code: 'exam-only', definition: { population: baseTarget.definition.population, requirement: { study: { kind: 'none' }, exam: { certificateTypes: [] }, certificate: null } } }, ACTOR, NOW)) as { ok: true; id: number };
		expect(target.ok).toBe(true);
		const covered = async () => (await countsAtNode(db, [target.id], '500000')).get(target.id)!.covered;
		const p = await makePerson(db, changshouMach, { role: 'frontline' });
		const exam = await createExamSession(db, { institutionId: institution, name: '触发器', certificateType: 'training', opensAt: new Date('2026-02-01T00:00:00Z') });
		const before = await covered();
		const attempt = await insertFinishedAttempt(db, exam, { personId: p, startedAt: new Date('2026-03-01T01:00:00Z'), minutes: 30, score: 95 });
		expect(await covered()).toBe(before + 1);
		await db.updateTable('exam_attempts').set({ decision: 'voided' }).where('id', '=', attempt).execute();
		expect(await covered()).toBe(before);
		await db.updateTable('exam_attempts').set({ decision: 'cleared' }).where('id', '=', attempt).execute();
		expect(await covered()).toBe(before + 1);
		await db.updateTable('exam_attempts').set({ passed: false }).where('id', '=', attempt).execute();
		expect(await covered()).toBe(before);
		await db.updateTable('exam_attempts').set({ passed: true }).where('id', '=', attempt).execute();
		expect(await covered()).toBe(before + 1);
		// a status change out of 'finished' alone (no other column) is followed too
		await db.updateTable('exam_attempts').set({ status: 'in_progress' }).where('id', '=', attempt).execute();
		expect(await covered()).toBe(before);
		await db.updateTable('exam_attempts').set({ status: 'finished' }).where('id', '=', attempt).execute();
		expect(await covered()).toBe(before + 1);
		await compareWithNaive(db);
	});

	it.skipIf(backend !== 'postgres')('stays exact when completions and changes commit concurrently', async () => {
		const target = (await db.selectFrom('coverage_targets').select('id').where('code', '=', 'all-staff-2026').executeTakeFirstOrThrow()).id;
		const fresh: number[] = [];
		for (let i = 0; i < 24; i++) fresh.push(await makePerson(db, i % 2 ? yubeiChem : changshouMach, { role: 'frontline' }));
		const before = (await countsAtNode(db, [target], '500000')).get(target)!;
		// 24 transactions at once (pool of 5), each completing one person's course and, for some,
		// deactivating another person the same instant; two transactions race on the same person.
		await Promise.all(
			fresh.map((p, i) =>
				db.transaction().execute(async (tx) => {
					await completeCourse(tx, p, course, new Date(Date.UTC(2026, 4, 1 + (i % 20))));
					if (i % 6 === 0) await tx.updateTable('persons').set({ active: false }).where('id', '=', fresh[(i + 3) % fresh.length]!).execute();
					await sql`select pg_sleep(0.01)`.execute(tx);
				})
			)
		);
		const after = (await countsAtNode(db, [target], '500000')).get(target)!;
		expect(after.covered).toBeGreaterThan(before.covered);
		await compareWithNaive(db);
	});
});
