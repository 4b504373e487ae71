import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import { loadCourseDirs, syncRepositoryCourses } from '../../src/lib/server/courses/course-files.ts';
import { findCourseByCode, listLessons } from '../../src/lib/server/courses/courses.repository.ts';
import { REQUIREMENT_RULES } from '../../src/lib/server/study/requirements.ts';
import { chooseCourses, type PlanCourse, type PlanPerson } from '../../src/lib/server/study/plan.ts';
import { syncRepositoryBanks } from '../../src/lib/server/question-bank/sync.ts';
import { TWO_CARDS_COURSES } from '../../src/lib/server/coverage/seeded-targets.ts';

// The repository courses for 安全生产管理人员, 高危 leaders, 一线从业人员 and 新上岗 (issue 15, part 1).
const ROOT = 'seeds/courses';
const NOW = new Date('2026-12-05T08:00:00Z');
const OURS: Record<string, { hours: number; type: string; highRisk: boolean | null }> = {
	'safety-manager-annual': { hours: 12, type: 'annual', highRisk: false },
	'leader-annual-high-risk': { hours: 16, type: 'annual', highRisk: true },
	'worker-annual': { hours: 8, type: 'annual', highRisk: false },
	'worker-annual-high-risk': { hours: 10, type: 'annual', highRisk: true },
	'worker-annual-high-risk-pro': { hours: 8, type: 'annual', highRisk: true },
	'new-hire-company-level': { hours: 9, type: 'three_level', highRisk: false },
	'new-hire-high-risk': { hours: 12, type: 'three_level', highRisk: true }
};

const loaded = loadCourseDirs(ROOT);
// texts written for these courses (the principals' and 两单两卡 lessons they share keep their own minutes)
const inherited = new Set(loaded.courses.filter((c) => ['principal-annual', 'two-lists-two-cards'].includes(c.course.code)).flatMap((c) => c.modules.flatMap((m) => m.lessons.map((l) => l.bodyMd))));

describe('repository courses (issue 15, part 1)', () => {
	it('load without problems, with honest 学时 (Σ minutes ≥ 学时 × 45) and a 依据 at the end of every text lesson', () => {
		expect(loaded.problems).toEqual([]);
		for (const [code, want] of Object.entries(OURS)) {
			const c = loaded.courses.find((x) => x.course.code === code);
			expect(c, code).toBeDefined();
			expect(c!.course).toMatchObject({ credit_hours: want.hours, training_type: want.type, audience_high_risk: want.highRisk });
			const lessons = c!.modules.flatMap((m) => m.lessons);
			expect(lessons.reduce((s, l) => s + l.minutes, 0), code).toBeGreaterThanOrEqual(want.hours * 45);
			for (const l of lessons.filter((x) => x.kind === 'text')) {
				const tail = l.bodyMd.trim().split('\n').at(-1)!;
				expect(tail, `${code} ${l.title}`).toMatch(/^\*\*依据\*\*：《/);
				// minutes are honest for the text: about 60 characters (300 per 5 minutes) per declared minute
				if (!inherited.has(l.bodyMd)) expect(l.bodyMd.length / l.minutes, `${code} ${l.title}`).toBeGreaterThanOrEqual(57);
			}
		}
	});

	it('a lesson shared between courses is the same text in each', () => {
		const rights = (code: string) => loaded.courses.find((c) => c.course.code === code)!.modules.flatMap((m) => m.lessons).find((l) => l.title.includes('从业人员的安全生产权利'))!.bodyMd;
		expect(rights('worker-annual')).toBe(rights('new-hire-company-level'));
		expect(rights('worker-annual')).toContain('有权拒绝');
	});

	it('every course a 两单两卡 coverage target counts contains all of the 两单两卡 lessons', () => {
		const lessonsOf = (code: string) => loaded.courses.find((c) => c.course.code === code)!.modules.flatMap((m) => m.lessons);
		const key = (l: ReturnType<typeof lessonsOf>[number]) => `${l.kind}|${l.bodyMd}|${l.media?.path ?? ''}`;
		const cards = lessonsOf('two-lists-two-cards').map(key);
		expect(cards.length).toBeGreaterThan(3);
		for (const code of TWO_CARDS_COURSES) {
			const has = new Set(lessonsOf(code).map(key));
			expect(cards.filter((k) => !has.has(k)), code).toEqual([]);
		}
	});

	it('plan generation covers the leader and worker annual rows from the catalogue; new hires get the 厂级 part and a shortfall the enterprise fills', () => {
		const catalogue: PlanCourse[] = loaded.courses.map((c, i) => ({ id: i + 1, ...c.course }));
		const rule = (code: string) => REQUIREMENT_RULES.find((r) => r.code === code)!;
		const person = (role: string, highRisk: boolean): PlanPerson => ({ role_category: role, industry_code: null, industry_parent: null, high_risk: highRisk });
		const plan = (code: string, p: PlanPerson) => {
			const r = chooseCourses(rule(code), p, catalogue);
			return { codes: r.courses.map((c) => loaded.courses[c.id - 1]!.course.code), shortfall: r.shortfall };
		};
		expect(plan('leader-annual', person('safety_manager', false)).shortfall).toBe(0);
		expect(plan('leader-annual-high-risk', person('principal', true))).toEqual({ codes: ['leader-annual-high-risk'], shortfall: 0 });
		expect(plan('leader-annual-high-risk', person('safety_manager', true))).toEqual({ codes: ['leader-annual-high-risk'], shortfall: 0 });
		expect(plan('worker-annual', person('frontline', false))).toEqual({ codes: ['worker-annual'], shortfall: 0 });
		expect(plan('worker-annual', person('special_worker', false))).toEqual({ codes: ['worker-annual'], shortfall: 0 });
		// 高危 workers' 20 学时 (3号令 第十三条): the general part (10), the professional part (8) and the
		// 两单两卡 topic course (2) — three courses, nothing short, each 两单两卡 lesson counted once
		const highRiskWorker = plan('worker-annual-high-risk', person('frontline', true));
		expect(highRiskWorker.codes).toEqual(['worker-annual-high-risk', 'worker-annual-high-risk-pro', 'two-lists-two-cards']);
		expect(highRiskWorker.shortfall).toBe(0);
		// without the professional part the catalogue cannot reach 20: the 1-学时 topic modules are not enough
		const withoutPro = chooseCourses(rule('worker-annual-high-risk'), person('frontline', true), catalogue.filter((c) => loaded.courses[c.id - 1]!.course.code !== 'worker-annual-high-risk-pro'));
		expect(withoutPro.shortfall).toBeGreaterThan(0);
		// 24 / 72 学时 rows: the platform course is the 厂级 通用部分; 车间级 and 班组级 are the enterprise's own
		expect(plan('worker-pre-job', person('frontline', false)).codes[0]).toBe('new-hire-company-level');
		expect(plan('worker-pre-job-high-risk', person('frontline', true)).codes[0]).toBe('new-hire-high-risk');
	});
});

describe.each(BACKENDS)('syncing the repository courses (%s)', (backend) => {
	let t: TestDatabase;
	let institution: number;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		institution = await makeOrg(t.db, 'institution');
		// lesson quizzes draw from the platform banks: they must be there before the courses
		await syncRepositoryBanks(t.db, 'question-banks', NOW);
	});
	afterAll(async () => t?.close());

	it('publishes every course; shared lessons and media are imported into each course', async () => {
		const summary = await syncRepositoryCourses(t.db, ROOT, institution, NOW);
		expect(summary.added).toEqual(expect.arrayContaining(Object.keys(OURS)));
		for (const [code, want] of Object.entries(OURS)) {
			const course = (await findCourseByCode(t.db, code))!;
			expect(course).toMatchObject({ status: 'published', creditHours: want.hours, ownerOrgId: institution });
			const lessons = await listLessons(t.db, course.id);
			expect(lessons.reduce((s, l) => s + l.minutes, 0)).toBeGreaterThanOrEqual(want.hours * 45);
		}
		const worker = await listLessons(t.db, (await findCourseByCode(t.db, 'worker-annual'))!.id);
		const cards = await listLessons(t.db, (await findCourseByCode(t.db, 'two-lists-two-cards'))!.id);
		// the 两单两卡 video is stored once and used by both courses
		expect(worker.find((l) => l.kind === 'video')!.fileId).toBe(cards.find((l) => l.kind === 'video')!.fileId);
	});
});
