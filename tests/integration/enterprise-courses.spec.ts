import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import { makeCourse, makePerson } from '../support/study-factories.ts';
import { addLesson, addModule, createCourse, publishCourse, type CourseAuthor } from '../../src/lib/server/courses/course-editor.ts';
import { findOwnedCourse } from '../../src/lib/server/courses/courses.repository.ts';
import { assignCourse, generateAnnualPlan } from '../../src/lib/server/study/plan-service.ts';
import { SYSTEM_ACTOR } from '../../src/lib/server/audit/actor.ts';
import { loadCatalogue, loadCatalogueCourse } from '../../src/lib/server/study/catalogue-page.ts';
import { authorAreaOf } from '../../src/lib/server/courses/author-area.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

// Issue 15: an enterprise writes its own 车间级/班组级 part of 三级安全教育 (the 高危 72-学时
// programme is 12 学时 of platform content plus the enterprise's own), and plan generation uses
// it for that enterprise only; no other enterprise sees it in its catalogue, plan or assignments.

const NOW = new Date('2026-03-01T02:00:00Z');
const WORKERS = ['deputy', 'frontline', 'special_worker'];
const planActor = { ...SYSTEM_ACTOR, role: 'enterprise_admin' };

describe.each(BACKENDS)("an enterprise's own courses (%s)", (backend) => {
	let t: TestDatabase;
	let db: Db;
	let own: number;
	let other: number;
	let platform: number;
	let ownCourse: number;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		db = t.db;
		own = await makeOrg(db, 'enterprise');
		other = await makeOrg(db, 'enterprise');
		await db.updateTable('organisations').set({ industry_code: 'hazchem' }).where('id', 'in', [own, other]).execute();
		// the platform's 厂级 part of the 高危 new-hire programme: 12 学时
		platform = (await makeCourse(db, [{ minutes: 270 }, { minutes: 270 }], { roles: WORKERS, hours: 12, trainingType: 'three_level', highRisk: true })).courseId;
		// the enterprise's admin writes the 车间级 and 班组级 part (60 学时) with the course editor
		const actor: CourseAuthor = { ...SYSTEM_ACTOR, role: 'enterprise_admin', orgId: own };
		const created = await createCourse(db, actor, {
			code: 'own-workshop-team',
			title: '车间级和班组级安全教育（本单位）',
			description: '本单位装置、工艺、操作规程、岗位风险和事故案例',
			training_type: 'three_level',
			audience_roles: WORKERS as ('deputy' | 'frontline' | 'special_worker')[],
			audience_industries: [],
			audience_high_risk: true,
			credit_hours: 60
		}, NOW);
		if (!created.ok) throw new Error(JSON.stringify(created.errors));
		ownCourse = created.courseId;
		const mod = await addModule(db, actor, ownCourse, '车间级', NOW);
		if (!mod.ok) throw new Error('module');
		for (let i = 1; i <= 5; i++) expect((await addLesson(db, actor, ownCourse, mod.moduleId, { title: `第${i}节`, kind: 'text', minutes: 540 }, NOW)).ok).toBe(true);
		expect(await publishCourse(db, actor, ownCourse, NOW)).toEqual({ ok: true });
	});
	afterAll(async () => t?.close());

	const enrolled = async (personId: number) =>
		(await db.selectFrom('enrolments').select('course_id').where('person_id', '=', personId).where('status', '=', 'active').orderBy('course_id').execute()).map((r) => r.course_id);

	it('is owned by the enterprise and opens only in its own editor', async () => {
		expect((await findOwnedCourse(db, ownCourse, own))?.title).toBe('车间级和班组级安全教育（本单位）');
		expect(await findOwnedCourse(db, ownCourse, other)).toBeUndefined();
		expect(authorAreaOf('/enterprise/courses/[id]')).toBe('enterprise');
		expect(authorAreaOf('/institution/courses/[id]')).toBe('institution');
	});

	it("fills the 72-学时 高危 new-hire requirement with the platform's 厂级 part and the enterprise's own part", async () => {
		const newcomer = await makePerson(db, own, { role: 'frontline', hiredOn: '2026-02-01' });
		const s = await generateAnnualPlan(db, { orgId: own, year: 2026, dueOn: '2026-12-31', actor: planActor }, NOW);
		expect(s.uncovered).toEqual([]);
		expect(await enrolled(newcomer)).toEqual([platform, ownCourse].sort((a, b) => a - b));
	});

	it("is not in another enterprise's catalogue, plan or assignments", async () => {
		const newcomer = await makePerson(db, other, { role: 'frontline', hiredOn: '2026-02-01', name: '外单位新员工' });
		const s = await generateAnnualPlan(db, { orgId: other, year: 2026, dueOn: '2026-12-31', actor: planActor }, NOW);
		expect(s.uncovered.map((u) => [u.requirementCode, u.example.assigned])).toEqual([['worker-pre-job-high-risk', 12]]);
		expect(await enrolled(newcomer)).toEqual([platform]);
		expect((await loadCatalogue(db, {}, other)).courses.map((c) => c.id)).not.toContain(ownCourse);
		expect(await loadCatalogueCourse(db, ownCourse, other)).toBeNull();
		expect(await assignCourse(db, { orgId: other, personIds: [newcomer], courseId: ownCourse, year: 2026, dueOn: null, actor: planActor }, NOW)).toMatchObject({ ok: false });
		expect(await enrolled(newcomer)).toEqual([platform]);
		// its own catalogue lists it, under the enterprise's name
		const mine = (await loadCatalogue(db, {}, own)).courses.find((c) => c.id === ownCourse);
		expect(mine).toMatchObject({ credit_hours: 60, lessons: 5, minutes: 2700, own: true });
		expect((await loadCatalogue(db, {}, own)).courses.find((c) => c.id === platform)?.own).toBe(false);
		expect((await loadCatalogueCourse(db, ownCourse, own))?.course.id).toBe(ownCourse);
	});
});
