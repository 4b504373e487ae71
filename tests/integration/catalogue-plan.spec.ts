import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import { SYSTEM_ACTOR } from '../../src/lib/server/audit/actor.ts';
import { makeCourse, makePerson } from '../support/study-factories.ts';
import { assignCourse, generateAnnualPlan } from '../../src/lib/server/study/plan-service.ts';
import { enterpriseShortcut, learnerShortcut, loadCatalogue, loadCatalogueCourse, parseCatalogueQuery } from '../../src/lib/server/study/catalogue-page.ts';
import { syncRepositoryCourses } from '../../src/lib/server/courses/course-files.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

// Issue 15: the catalogue's filters and course page, and plan generation that fills each
// person's requirement with the fewest courses, with fixture courses (the repository's courses
// are tested by demo-plan.spec.ts).

const NOW = new Date('2026-03-01T02:00:00Z');
const actor = { ...SYSTEM_ACTOR, role: 'enterprise_admin' };
const LEADERS = ['principal', 'controller', 'safety_manager'];
const WORKERS = ['deputy', 'frontline', 'special_worker'];

describe.each(BACKENDS)('course catalogue and fewest-course plans (%s)', (backend) => {
	let t: TestDatabase;
	let db: Db;
	let machinery: number;
	let chemical: number;
	let c: Record<'leader12' | 'leader16hr' | 'leaderTopic4' | 'worker8' | 'workerTopic2' | 'workerTopic4' | 'worker20hr' | 'preJob24' | 'draft', number>;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		db = t.db;
		machinery = await makeOrg(db, 'enterprise');
		chemical = await makeOrg(db, 'enterprise');
		await db.updateTable('organisations').set({ industry_code: 'hazchem' }).where('id', '=', chemical).execute();
		// lessons of at most 180 minutes carrying the course's 学时 (45 minutes each)
		const mk = async (minutes: number, opts: Parameters<typeof makeCourse>[2]) =>
			(await makeCourse(db, Array.from({ length: Math.ceil(minutes / 180) }, (_, i) => ({ minutes: Math.min(180, minutes - i * 180) })), opts)).courseId;
		c = {
			leader12: await mk(540, { roles: LEADERS, hours: 12, trainingType: 'annual', highRisk: false }),
			leader16hr: await mk(720, { roles: LEADERS, hours: 16, trainingType: 'annual', highRisk: true }),
			leaderTopic4: await mk(180, { roles: LEADERS, hours: 4, trainingType: 'topic' }),
			worker8: await mk(360, { roles: WORKERS, hours: 8, trainingType: 'annual', highRisk: false }),
			workerTopic2: await mk(90, { roles: WORKERS, hours: 2, trainingType: 'topic' }),
			workerTopic4: await mk(180, { roles: WORKERS, hours: 4, trainingType: 'topic' }),
			worker20hr: await mk(900, { roles: WORKERS, hours: 20, trainingType: 'annual', highRisk: true }),
			preJob24: await mk(1080, { roles: WORKERS, hours: 24, trainingType: 'three_level', highRisk: false }),
			draft: await mk(900, { roles: WORKERS, hours: 20, status: 'draft' })
		};
	});
	afterAll(async () => t?.close());

	const enrolled = async (personId: number) =>
		(await db.selectFrom('enrolments').select('course_id').where('person_id', '=', personId).where('status', '=', 'active').orderBy('course_id').execute()).map((r) => r.course_id);

	it('fills each requirement with the fewest courses: one 16-学时 course for a 高危 principal, not 12 + 4', async () => {
		const principal = await makePerson(db, chemical, { role: 'principal', hiredOn: '2015-01-01' });
		const worker = await makePerson(db, chemical, { role: 'frontline', hiredOn: '2015-01-01' });
		const machinist = await makePerson(db, machinery, { role: 'frontline', hiredOn: '2015-01-01' });
		const newcomer = await makePerson(db, machinery, { role: 'frontline', hiredOn: '2026-02-01' });
		const manager = await makePerson(db, machinery, { role: 'safety_manager', hiredOn: '2015-01-01' });
		const s1 = await generateAnnualPlan(db, { orgId: chemical, year: 2026, dueOn: '2026-12-31', actor }, NOW);
		const s2 = await generateAnnualPlan(db, { orgId: machinery, year: 2026, dueOn: '2026-12-31', actor }, NOW);
		expect(await enrolled(principal)).toEqual([c.leader16hr]);
		expect(await enrolled(worker)).toEqual([c.worker20hr]);
		expect(await enrolled(machinist)).toEqual([c.worker8]);
		expect(await enrolled(newcomer)).toEqual([c.preJob24]);
		expect(await enrolled(manager)).toEqual([c.leader12]);
		expect([s1.shortfalls, s1.uncovered, s2.shortfalls, s2.uncovered]).toEqual([[], [], [], []]);
	});

	it('names the requirement the catalogue cannot cover and the catalogue filter that lists its courses', async () => {
		const a = await makePerson(db, chemical, { role: 'frontline', hiredOn: '2026-01-10', name: '新员工甲' });
		const b = await makePerson(db, chemical, { role: 'deputy', hiredOn: '2026-02-10', name: '新员工乙' });
		const summary = await generateAnnualPlan(db, { orgId: chemical, year: 2026, dueOn: null, actor }, NOW);
		// 高危 新上岗 need 72 学时; the fitting courses (two topic modules) carry 6
		expect(summary.shortfalls.map((s) => [s.personId, s.required, s.assigned, s.requirementCode])).toEqual([
			[a, 72, 6, 'worker-pre-job-high-risk'],
			[b, 72, 6, 'worker-pre-job-high-risk']
		]);
		expect(summary.uncovered).toEqual([
			{ requirementCode: 'worker-pre-job-high-risk', requirementTitle: '高危行业新上岗从业人员安全培训', required: 72, roleCategory: 'frontline', persons: 1, example: { name: '新员工甲', assigned: 6 }, filter: 'role=frontline&requirement=worker-pre-job-high-risk&industry=hazchem' },
			{ requirementCode: 'worker-pre-job-high-risk', requirementTitle: '高危行业新上岗从业人员安全培训', required: 72, roleCategory: 'deputy', persons: 1, example: { name: '新员工乙', assigned: 6 }, filter: 'role=deputy&requirement=worker-pre-job-high-risk&industry=hazchem' }
		]);
		// the suggested filter lists exactly the courses that count towards it
		const listed = await loadCatalogue(db, parseCatalogueQuery(new URLSearchParams(summary.uncovered[0]!.filter)), chemical);
		expect(listed.courses.map((x) => x.id).sort((p, q) => p - q)).toEqual([c.workerTopic2, c.workerTopic4]);
		expect(await enrolled(a)).toEqual([c.workerTopic2, c.workerTopic4]);
	});

	it('filters the catalogue by role, industry, 学时, requirement and type; drafts never listed', async () => {
		const ids = async (q: string) => (await loadCatalogue(db, parseCatalogueQuery(new URLSearchParams(q)), chemical)).courses.map((x) => x.id).sort((p, q2) => p - q2);
		const all = await loadCatalogue(db, {}, chemical);
		expect(all.courses.map((x) => x.id)).not.toContain(c.draft);
		expect(await ids('role=principal')).toEqual([c.leader12, c.leader16hr, c.leaderTopic4]);
		expect(await ids('role=principal&industry=hazchem')).toEqual([c.leader16hr, c.leaderTopic4]);
		expect(await ids('role=frontline&minHours=8')).toEqual([c.worker8, c.worker20hr, c.preJob24]);
		expect(await ids('requirement=worker-annual')).toEqual([c.worker8, c.workerTopic2, c.workerTopic4]);
		expect(await ids('requirement=leader-annual-high-risk&type=topic')).toEqual([c.leaderTopic4]);
		// a bad filter value is ignored, not an error
		const bad = await loadCatalogue(db, parseCatalogueQuery(new URLSearchParams('role=boss&minHours=-3&industry=nope&requirement=x&type=yearly')), chemical);
		expect(bad.query).toEqual({ role: undefined, industry: undefined, minHours: undefined, requirement: undefined, type: undefined });
		expect(bad.courses.length).toBe(all.courses.length);
		const row = all.courses.find((x) => x.id === c.worker8)!;
		expect(row.serves).toEqual([
			{ code: 'worker-annual', title: '其他行业从业人员每年再培训', covers: true },
			{ code: 'special-review', title: '特种作业操作证复审前安全培训', covers: true }
		]);
	});

	it('the course page shows syllabus, sources and institution; a draft is not found; assigning stays within the enterprise', async () => {
		const institution = await makeOrg(db, 'institution', '500112', '目录测试培训中心');
		await syncRepositoryCourses(db, 'tests/fixtures/courses', institution, NOW);
		const course = await db.selectFrom('courses').select('id').where('code', '=', 'fixture-safety').executeTakeFirstOrThrow();
		const detail = (await loadCatalogueCourse(db, course.id, chemical))!;
		expect(detail.course).toMatchObject({ owner_name: '目录测试培训中心', credit_hours: 1, lessons: 3, minutes: 47, industryNames: [expect.any(String)] });
		expect(detail.modules.map((m) => [m.title, m.lessons.length])).toEqual([['第一章 法律法规', 2], ['第二章 应急处置', 1]]);
		expect(await loadCatalogueCourse(db, c.draft, chemical)).toBeNull();
		const mine = await makePerson(db, machinery, { role: 'principal' });
		const foreign = await makePerson(db, chemical, { role: 'principal' });
		expect(await assignCourse(db, { orgId: machinery, personIds: [mine, foreign], courseId: course.id, year: 2026, dueOn: null, actor }, NOW)).toMatchObject({ ok: false });
		expect(await assignCourse(db, { orgId: machinery, personIds: [mine], courseId: course.id, year: 2026, dueOn: '2026-06-30', actor }, NOW)).toEqual({ ok: true, created: 1, reactivated: 0 });
		expect(await enrolled(foreign)).toEqual([]);
	});

	it("links a learner to the courses for their own requirement, an admin to their industry's", async () => {
		const worker = await makePerson(db, chemical, { role: 'frontline', hiredOn: '2015-01-01' });
		expect(await learnerShortcut(db, worker, chemical, 2026)).toEqual({ label: '适合我的课程（高危行业从业人员每年再培训，20 学时）', query: 'role=frontline&industry=hazchem&requirement=worker-annual-high-risk' });
		expect(await learnerShortcut(db, worker, machinery, 2026)).toBeNull();
		expect(await enterpriseShortcut(db, machinery)).toEqual({ label: '只看适合本单位行业的课程', query: 'industry=it_machinery' });
	});
});
