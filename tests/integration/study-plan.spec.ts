import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import { SYSTEM_ACTOR } from '../../src/lib/server/audit/actor.ts';
import { enrol, makeCourse, makePerson } from '../support/study-factories.ts';
import { assignCourse, generateAnnualPlan, withdrawEnrolment } from '../../src/lib/server/study/plan-service.ts';
import { getMyStudy } from '../../src/lib/server/study/my-study.query.ts';
import { getPlanOverview } from '../../src/lib/server/study/plan.query.ts';
import { recordHeartbeat } from '../../src/lib/server/study/heartbeat.ts';
import { DEFAULT_STUDY_CONFIG } from '../../src/lib/server/study/credit.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

const NOW = new Date('2026-03-01T02:00:00Z');
const actor = { ...SYSTEM_ACTOR, role: 'enterprise_admin' };

for (const backend of BACKENDS) {
	describe(`annual plan and 我的学习 (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let machinery: number; // 机械 (not high-risk)
		let chemical: number; // 危险化学品 (high-risk)
		let courses: { annual12: number; annual4: number; frontline2: number; draft: number };
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			machinery = await makeOrg(db, 'enterprise');
			chemical = await makeOrg(db, 'enterprise');
			await db.updateTable('organisations').set({ industry_code: 'hazchem' }).where('id', '=', chemical).execute();
			const leaders = ['principal', 'controller', 'safety_manager'];
			courses = {
				annual12: (await makeCourse(db, [{ minutes: 540 }], { roles: leaders, hours: 12 })).courseId,
				annual4: (await makeCourse(db, [{ minutes: 180 }], { roles: leaders, hours: 4, trainingType: 'topic' })).courseId,
				frontline2: (await makeCourse(db, [{ minutes: 90 }], { roles: ['frontline', 'special_worker'], hours: 2, trainingType: 'topic' })).courseId,
				draft: (await makeCourse(db, [{ minutes: 600 }], { roles: leaders, hours: 12, status: 'draft' })).courseId
			};
		});
		afterAll(async () => t?.close());

		const enrolledCourses = async (personId: number) =>
			(await db.selectFrom('enrolments').select('course_id').where('person_id', '=', personId).where('status', '=', 'active').orderBy('course_id').execute()).map(
				(r) => r.course_id
			);

		it('assigns by role category and industry: 12 学时 for a machinery principal, 16 for a chemical one; never a draft course', async () => {
			const p1 = await makePerson(db, machinery, { role: 'principal', hiredOn: '2015-05-01' });
			const p2 = await makePerson(db, chemical, { role: 'principal', hiredOn: '2015-05-01' });
			const worker = await makePerson(db, chemical, { role: 'frontline', hiredOn: '2018-01-01' });
			const gov = await makePerson(db, machinery, { role: 'enforcement' });
			const s1 = await generateAnnualPlan(db, { orgId: machinery, year: 2026, dueOn: '2026-12-31', actor }, NOW);
			const s2 = await generateAnnualPlan(db, { orgId: chemical, year: 2026, dueOn: '2026-12-31', actor }, NOW);
			expect(await enrolledCourses(p1)).toEqual([courses.annual12]);
			expect(await enrolledCourses(p2)).toEqual([courses.annual12, courses.annual4]);
			expect(await enrolledCourses(worker)).toEqual([courses.frontline2]);
			expect(await enrolledCourses(gov)).toEqual([]);
			expect(s1.shortfalls).toEqual([]);
			// 高危 从业人员 need 20 学时 a year; the catalogue offers 2
			expect(s2.shortfalls).toEqual([{ personId: worker, name: expect.any(String), required: 20, assigned: 2, requirementCode: 'worker-annual-high-risk' }]);
			const study = await getMyStudy(db, p2, chemical, 2026, '2026-03-01');
			expect(study.requirement).toMatchObject({ hours: 16 });
			expect(study.requirement?.basis).toContain('第九条第二款');
			expect(study.courses.map((c) => c.courseId)).toEqual([courses.annual12, courses.annual4]);
		});

		it('is idempotent: a second run adds only what is missing', async () => {
			const org = await makeOrg(db, 'enterprise');
			await makePerson(db, org, { role: 'safety_manager', hiredOn: '2020-01-01' });
			const first = await generateAnnualPlan(db, { orgId: org, year: 2026, dueOn: null, actor }, NOW);
			expect(first.created).toBe(1);
			await makePerson(db, org, { role: 'frontline', hiredOn: '2020-01-01' });
			const second = await generateAnnualPlan(db, { orgId: org, year: 2026, dueOn: null, actor }, NOW);
			expect(second.created).toBe(1);
			const audit = await db.selectFrom('audit_log').select('action').where('action', '=', 'plan.generate').execute();
			expect(audit.length).toBeGreaterThanOrEqual(2);
		});

		it('a person hired this year gets the initial (leaders) or pre-job (workers) requirement', async () => {
			const org = await makeOrg(db, 'enterprise');
			const newPrincipal = await makePerson(db, org, { role: 'principal', hiredOn: '2026-02-01' });
			const newWorker = await makePerson(db, org, { role: 'frontline', hiredOn: '2026-02-01' });
			expect((await getMyStudy(db, newPrincipal, org, 2026, '2026-03-01')).requirement).toMatchObject({ hours: 32 });
			expect((await getMyStudy(db, newWorker, org, 2026, '2026-03-01')).requirement).toMatchObject({ hours: 24 });
			expect((await getMyStudy(db, newWorker, org, 2027, '2027-03-01')).requirement).toMatchObject({ hours: 8 });
		});

		it('manual assignment: only own active staff and published courses; due dates show overdue', async () => {
			const org = await makeOrg(db, 'enterprise');
			const mine = await makePerson(db, org, { role: 'frontline' });
			const foreign = await makePerson(db, machinery, { role: 'frontline' });
			expect(await assignCourse(db, { orgId: org, personIds: [mine, foreign], courseId: courses.frontline2, year: 2026, dueOn: null, actor }, NOW)).toMatchObject({
				ok: false
			});
			expect(await assignCourse(db, { orgId: org, personIds: [mine], courseId: courses.draft, year: 2026, dueOn: null, actor }, NOW)).toMatchObject({ ok: false });
			expect(await enrolledCourses(mine)).toEqual([]);
			expect(await assignCourse(db, { orgId: org, personIds: [mine], courseId: courses.frontline2, year: 2026, dueOn: '2026-02-15', actor }, NOW)).toMatchObject({
				ok: true,
				created: 1
			});
			const study = await getMyStudy(db, mine, org, 2026, '2026-03-01');
			expect(study.courses[0]).toMatchObject({ overdue: true, dueOn: '2026-02-15' });
			const overview = await getPlanOverview(db, org, 2026, '2026-03-01');
			expect(overview.totals.overdue).toBe(1);
		});

		it('withdrawing is refused once the learner has studied, and for another enterprise', async () => {
			const org = await makeOrg(db, 'enterprise');
			const person = await makePerson(db, org, { role: 'frontline' });
			const course = await makeCourse(db, [{ minutes: 10 }], { roles: ['frontline'] });
			const enrolmentId = await enrol(db, person, course.courseId);
			expect(await withdrawEnrolment(db, { orgId: machinery, enrolmentId, actor }, NOW)).toMatchObject({ ok: false });
			const beat = (s: number) =>
				recordHeartbeat(
					db,
					{ personId: person, enrolmentId, lessonId: course.lessonIds[0]!, beat: { tabId: 'tab-12345678', state: 'active', position: null, rate: null }, client: { ip: null, device: null } },
					new Date(NOW.getTime() + s * 1000),
					DEFAULT_STUDY_CONFIG
				);
			await beat(0);
			await beat(30);
			const refused = await withdrawEnrolment(db, { orgId: org, enrolmentId, actor }, NOW);
			expect(refused).toMatchObject({ ok: false, message: expect.stringContaining('已有学习记录') });
			const study = await getMyStudy(db, person, org, 2026, '2026-03-01');
			expect(study.courses[0]?.creditedSeconds).toBe(30);
		});
	});
}
