import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import { enrol, makeCourse, makePerson, type LessonSpec } from '../support/study-factories.ts';
import { answerCheck, recordHeartbeat } from '../../src/lib/server/study/heartbeat.ts';
import { DEFAULT_STUDY_CONFIG, type BeatInput, type StudyConfig } from '../../src/lib/server/study/credit.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { BeatStateCache } from '../../src/lib/server/study/beat-state-cache.ts';

// The server's clock is a parameter: these tests prove the crediting rules without waiting.
const T0 = Date.parse('2026-11-20T02:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const NO_CHECKS: StudyConfig = { ...DEFAULT_STUDY_CONFIG, checkMinSeconds: 1e6, checkMaxSeconds: 1e6 };
const client = { ip: '10.0.0.1', device: 'test' };

function beat(tabId: string, extra: Partial<BeatInput> = {}): BeatInput {
	return { tabId, state: 'active', position: null, rate: null, ...extra };
}

async function credited(db: Db, enrolmentId: number, lessonId: number): Promise<number> {
	const row = await db
		.selectFrom('lesson_progress')
		.select('credited_seconds')
		.where('enrolment_id', '=', enrolmentId)
		.where('lesson_id', '=', lessonId)
		.executeTakeFirst();
	return row?.credited_seconds ?? 0;
}

// Every rule twice: deciding on a fresh read of the state, and — as the server does — on the state the
// page's previous beat left in this process's cache (beat-state-cache.ts).
for (const backend of BACKENDS) for (const cached of [false, true]) {
	describe(`study-time accounting (${backend}${cached ? ', cached beat state' : ''})`, () => {
		let t: TestDatabase;
		let db: Db;
		let orgId: number;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			orgId = await makeOrg(db, 'enterprise');
		});
		afterAll(async () => t?.close());

		async function setup(lessons: LessonSpec[] = [{ minutes: 45 }], config: StudyConfig = NO_CHECKS) {
			const personId = await makePerson(db, orgId);
			const course = await makeCourse(db, lessons);
			const enrolmentId = await enrol(db, personId, course.courseId);
			const lessonId = course.lessonIds[0]!;
			const cache = cached ? new BeatStateCache() : null;
			const send = (s: number, b: BeatInput, lesson = lessonId, enrolment = enrolmentId) =>
				recordHeartbeat(db, { personId, enrolmentId: enrolment, lessonId: lesson, beat: b, client }, at(s), config, () => 0.5, cache);
			return { personId, enrolmentId, lessonId, course, send, cache };
		}

		it('credits real time between heartbeats of an honest learner', async () => {
			const s = await setup();
			for (let sec = 0; sec <= 600; sec += 30) await s.send(sec, beat('a'));
			expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(600);
		});

		it('heartbeats sent faster than real time earn no more than real time', async () => {
			const s = await setup();
			for (let tenth = 0; tenth <= 600; tenth++) await s.send(tenth / 10, beat('a'));
			expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(60);
		});

		it('a silence longer than interval + tolerance is not credited', async () => {
			const s = await setup();
			await s.send(0, beat('a'));
			await s.send(30, beat('a'));
			const gap = await s.send(330, beat('a'));
			expect(gap.credit).toBe(0);
			await s.send(360, beat('a'));
			expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(60);
		});

		it('idle or hidden periods claim nothing', async () => {
			const s = await setup();
			await s.send(0, beat('a'));
			await s.send(30, beat('a', { state: 'hidden' }));
			await s.send(60, beat('a', { state: 'idle' }));
			await s.send(90, beat('a'));
			expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(30);
		});

		it('a second tab or device does not double the credit and is told why', async () => {
			const s = await setup([{ minutes: 45 }, { minutes: 45 }]);
			const other = s.course.lessonIds[1]!;
			await s.send(0, beat('tab-a'));
			const second = await s.send(10, beat('tab-b'), other);
			expect(second.refused?.code).toBe('another_tab');
			expect(second.refused?.message).toContain('正在另一个页面计时');
			for (let sec = 30; sec <= 120; sec += 30) {
				await s.send(sec, beat('tab-a'));
				const r = await s.send(sec + 5, beat('tab-b'), other);
				expect(r.refused?.code).toBe('another_tab');
			}
			expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(120);
			expect(await credited(db, s.enrolmentId, other)).toBe(0);
			// once tab A has gone quiet, tab B takes over, starting from zero
			expect((await s.send(200, beat('tab-b'), other)).credit).toBe(0);
			expect((await s.send(230, beat('tab-b'), other)).credit).toBe(30);
		});

		it('racing first heartbeats from two tabs: exactly one holds the lease', async () => {
			const s = await setup();
			const results = await Promise.all([s.send(0, beat('x')), s.send(0, beat('y')), s.send(0, beat('z'))]);
			expect(results.filter((r) => r.refused === null)).toHaveLength(1);
			const ten = await Promise.all(Array.from({ length: 10 }, () => s.send(30, beat(results.findIndex((r) => !r.refused) === 0 ? 'x' : results.findIndex((r) => !r.refused) === 1 ? 'y' : 'z'))));
			expect(ten.reduce((sum, r) => sum + r.credit, 0)).toBe(30);
		});

		it('video: seeking beyond the furthest watched point is refused; faster playback earns nothing extra', async () => {
			const s = await setup([{ kind: 'video', minutes: 2, videoSeconds: 100 }]);
			const v = (sec: number, position: number, rate = 1) => s.send(sec, beat('a', { position, rate }));
			await v(0, 0);
			expect((await v(30, 30)).watchedSeconds).toBe(30);
			const seek = await v(40, 80);
			expect(seek.refused?.code).toBe('seek_ahead');
			expect(seek.watchedSeconds).toBe(30);
			expect(seek.credit).toBe(0);
			await v(50, 30);
			const fast = await v(60, 30 + 20, 2); // played 20 s of video in 10 s
			expect(fast.refused?.code).toBe('seek_ahead');
			expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(40); // 30 + the honest 10 s at 1.0
		});

		it('video: complete only when credited time reaches the length and the end was reached', async () => {
			const s = await setup([{ kind: 'video', minutes: 1, videoSeconds: 40 }]);
			await s.send(0, beat('a', { position: 0 }));
			await s.send(30, beat('a', { position: 30 }));
			const end = await s.send(45, beat('a', { position: 40 }));
			expect(end.reachedEnd).toBe(true);
			expect(end.lessonCompleted).toBe(false); // 45 s credited of 60
			const done = await s.send(60, beat('a', { position: 40 }));
			expect(done.lessonCompleted).toBe(true);
			expect(done.courseCompleted).toBe(true);
			expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(60);
			const enrolment = await db.selectFrom('enrolments').select('completed_at').where('id', '=', s.enrolmentId).executeTakeFirstOrThrow();
			expect(enrolment.completed_at).not.toBeNull();
		});

		it('credit stops at the lesson length', async () => {
			const s = await setup([{ minutes: 1 }]);
			for (let sec = 0; sec <= 180; sec += 30) await s.send(sec, beat('a'));
			expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(60);
		});

		it('a missed attention check stops crediting until it is answered; the overdue time is never credited', async () => {
			const config = { ...NO_CHECKS, checkMinSeconds: 60, checkMaxSeconds: 60, checkWindowSeconds: 60 };
			const s = await setup([{ minutes: 45 }], config);
			await s.send(0, beat('a'));
			await s.send(30, beat('a'));
			const issued = await s.send(60, beat('a'));
			expect(issued.check).not.toBeNull();
			const checkId = issued.check!.id;
			expect((await s.send(90, beat('a'))).credit).toBe(30); // still within the 60 s window
			expect((await s.send(120, beat('a'))).credit).toBe(30);
			const overdue = await s.send(150, beat('a'));
			expect(overdue.refused?.code).toBe('check_overdue');
			expect(overdue.credit).toBe(0);
			expect((await s.send(180, beat('a'))).credit).toBe(0);
			const late = await answerCheck(db, { personId: s.personId, checkId, client }, at(190));
			expect(late).toMatchObject({ ok: true, status: 'missed' });
			expect((await s.send(210, beat('a'))).credit).toBe(20);
			expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(140);
			const kinds = await db.selectFrom('study_events').select('kind').where('person_id', '=', s.personId).execute();
			expect(kinds.filter((k) => k.kind === 'check_issued')).toHaveLength(1);
			expect(kinds.filter((k) => k.kind === 'check_missed')).toHaveLength(1);
			expect(kinds.filter((k) => k.kind === 'refused')).toHaveLength(2);
		});

		it('a check missed in one session pauses that session only: a later session in another lesson counts at once', async () => {
			const config = { ...NO_CHECKS, checkMinSeconds: 60, checkMaxSeconds: 60, checkWindowSeconds: 60 };
			const s = await setup([{ minutes: 45 }, { minutes: 45 }], config);
			const other = s.course.lessonIds[1]!;
			for (let sec = 0; sec <= 120; sec += 30) await s.send(sec, beat('a')); // check issued at 60, due at 120
			expect((await s.send(150, beat('a'))).refused?.code).toBe('check_overdue');
			// session A stays paused while it goes on: the anti-cheat property
			expect((await s.send(170, beat('a'))).refused?.code).toBe('check_overdue');
			// 40 minutes later, another lesson in another page: not blocked, no check carried over
			const later = await s.send(170 + 2400, beat('b'), other);
			expect(later.refused).toBeNull();
			expect(later.check).toBeNull();
			const next = await s.send(170 + 2430, beat('b'), other);
			expect(next.refused).toBeNull();
			expect(next.credit).toBe(30);
			// the unanswered check ended with its session, recorded as missed against its own lesson
			const checks = await db.selectFrom('study_checks').select(['status', 'lesson_id']).where('person_id', '=', s.personId).execute();
			expect(checks).toEqual([{ status: 'missed', lesson_id: s.lessonId }]);
			const missed = await db
				.selectFrom('study_events')
				.select(['lesson_id', 'reason'])
				.where('person_id', '=', s.personId)
				.where('kind', '=', 'check_missed')
				.execute();
			expect(missed).toHaveLength(1);
			expect(missed[0]!.lesson_id).toBe(s.lessonId);
			expect(missed[0]!.reason).toContain('session_ended');
		});

		it('a check missed in one session does not block a reload of the same lesson (the closed page released its lease)', async () => {
			const config = { ...NO_CHECKS, checkMinSeconds: 60, checkMaxSeconds: 60, checkWindowSeconds: 60 };
			const s = await setup([{ minutes: 45 }], config);
			for (let sec = 0; sec <= 120; sec += 30) await s.send(sec, beat('a')); // check issued at 60, due at 120
			expect((await s.send(150, beat('a'))).refused?.code).toBe('check_overdue');
			// the page is reloaded: its pagehide beacon releases the lease, the new page counts at once
			const released = await s.send(155, beat('a', { intent: 'release' }));
			expect(released.refused?.code).toBe('check_overdue');
			const reloaded = await s.send(157, beat('a2'));
			expect(reloaded.refused).toBeNull();
			expect(reloaded.check).toBeNull();
			expect((await s.send(187, beat('a2'))).credit).toBe(30);
		});

		it('two tabs: the second is told which page counts; "在此页面学习" moves the lease; the old tab is refused and told which page counts', async () => {
			const s = await setup([{ minutes: 45 }, { minutes: 45 }]);
			const other = s.course.lessonIds[1]!;
			expect((await s.send(0, beat('tab-a'), other)).refused).toBeNull();
			expect((await s.send(30, beat('tab-a'), other)).credit).toBe(30);
			const told = await s.send(40, beat('tab-b'));
			expect(told.refused?.code).toBe('another_tab');
			// T0 is 10:00 Beijing time; tab A's session started then, in the course's second lesson
			expect(told.refused?.message).toMatch(/^正在另一个页面计时：《测试课程\d+》第2节（开始于 10:00）/);
			expect(told.holder).toMatchObject({ lessonNumber: 2, startedAt: at(0).toISOString() });

			const moved = await s.send(45, beat('tab-b', { intent: 'takeover' }));
			expect(moved.refused).toBeNull();
			// the old tab's next heartbeat is refused with the page that counts now
			const old = await s.send(60, beat('tab-a'), other);
			expect(old.refused?.code).toBe('another_tab');
			expect(old.credit).toBe(0);
			expect(old.refused?.message).toMatch(/第1节（开始于 10:00）/);
			expect(old.holder?.startedAt).toBe(at(45).toISOString());
			expect((await s.send(75, beat('tab-b'))).credit).toBe(30);
			expect((await s.send(90, beat('tab-a'), other)).refused?.code).toBe('another_tab');
			// and it can take the lease back
			expect((await s.send(95, beat('tab-a', { intent: 'takeover' }), other)).refused).toBeNull();
			expect((await s.send(100, beat('tab-b'))).refused?.code).toBe('another_tab');
			expect((await s.send(125, beat('tab-a'), other)).credit).toBe(30);
			// never both counting: 30 + 30 in lesson 2 (tab A), 30 in lesson 1 (tab B)
			expect(await credited(db, s.enrolmentId, other)).toBe(60);
			expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(30);
			const reasons = await db
				.selectFrom('study_events')
				.select(['tab_id', 'kind', 'reason'])
				.where('person_id', '=', s.personId)
				.where('reason', 'in', ['takeover', 'another_tab'])
				.orderBy('id')
				.execute();
			expect(reasons.map((r) => `${r.tab_id}:${r.reason}`)).toEqual([
				'tab-b:another_tab',
				'tab-b:takeover',
				'tab-a:another_tab',
				'tab-a:another_tab',
				'tab-a:takeover',
				'tab-b:another_tab'
			]);
		});

		it('a closing page that does not hold the lease leaves it alone', async () => {
			const s = await setup();
			await s.send(0, beat('a'));
			const closing = await s.send(10, beat('b', { intent: 'release' }));
			expect(closing.refused?.code).toBe('another_tab');
			expect((await s.send(30, beat('a'))).credit).toBe(30);
		});

		it('an attention check answered in time is recorded as passed and crediting continues', async () => {
			const config = { ...NO_CHECKS, checkMinSeconds: 30, checkMaxSeconds: 30 };
			const s = await setup([{ minutes: 45 }], config);
			await s.send(0, beat('a'));
			const issued = await s.send(30, beat('a'));
			const answer = await answerCheck(db, { personId: s.personId, checkId: issued.check!.id, client }, at(40));
			expect(answer).toMatchObject({ ok: true, status: 'passed' });
			expect((await s.send(60, beat('a'))).credit).toBe(30);
		});

		it("someone else's check cannot be answered", async () => {
			const config = { ...NO_CHECKS, checkMinSeconds: 30, checkMaxSeconds: 30 };
			const s = await setup([{ minutes: 45 }], config);
			const intruder = await makePerson(db, orgId);
			await s.send(0, beat('a'));
			const issued = await s.send(30, beat('a'));
			expect(await answerCheck(db, { personId: intruder, checkId: issued.check!.id, client }, at(35))).toMatchObject({ ok: false });
			const row = await db.selectFrom('study_checks').select('status').where('id', '=', issued.check!.id).executeTakeFirstOrThrow();
			expect(row.status).toBe('pending');
		});

		it("refuses another person's enrolment, a lesson of another course, a retired course and a withdrawn enrolment — crediting nothing", async () => {
			const s = await setup();
			const stranger = await makePerson(db, orgId);
			const asStranger = (sec: number) =>
				recordHeartbeat(db, { personId: stranger, enrolmentId: s.enrolmentId, lessonId: s.lessonId, beat: beat('s'), client }, at(sec), NO_CHECKS);
			expect((await asStranger(0)).refused?.code).toBe('not_enrolled');
			expect((await asStranger(30)).refused?.code).toBe('not_enrolled');

			const otherCourse = await makeCourse(db, [{ minutes: 10 }]);
			expect((await s.send(0, beat('a'), otherCourse.lessonIds[0]!)).refused?.code).toBe('lesson_not_in_course');
			expect((await s.send(0, beat('a'), s.lessonId, 999999)).refused?.code).toBe('not_enrolled');

			await s.send(100, beat('a'));
			await db.updateTable('courses').set({ status: 'retired' }).where('id', '=', s.course.courseId).execute();
			expect((await s.send(130, beat('a'))).refused?.code).toBe('course_closed');
			await db.updateTable('courses').set({ status: 'published' }).where('id', '=', s.course.courseId).execute();
			await db.updateTable('enrolments').set({ status: 'withdrawn' }).where('id', '=', s.enrolmentId).execute();
			expect((await s.send(160, beat('a'))).refused?.code).toBe('course_closed');

			expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(0);
			const strangerProgress = await db.selectFrom('study_leases').select('person_id').where('person_id', '=', stranger).execute();
			expect(strangerProgress).toHaveLength(0);
			const refused = await db.selectFrom('study_events').select(['reason']).where('person_id', '=', stranger).where('kind', '=', 'refused').execute();
			expect(refused.map((r) => r.reason)).toEqual(['not_enrolled', 'not_enrolled']);
		});

		if (cached) {
			const sendThrough = (s: { personId: number; enrolmentId: number; lessonId: number }, cache: BeatStateCache, sec: number, b: BeatInput) =>
				recordHeartbeat(db, { personId: s.personId, enrolmentId: s.enrolmentId, lessonId: s.lessonId, beat: b, client }, at(sec), NO_CHECKS, () => 0.5, cache);

			it('the plain beats of a page are decided on the state its previous beat left: no read', async () => {
				const s = await setup();
				for (let sec = 0; sec <= 300; sec += 30) await s.send(sec, beat('a'));
				expect(s.cache!.hits).toBe(10); // every beat after the first
				expect(s.cache!.misses).toBe(0);
				expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(300);
			});

			it('another instance beat in between: the stale state misses, the beat is decided again on a read', async () => {
				const s = await setup();
				const otherInstance = new BeatStateCache();
				await s.send(0, beat('a'));
				await s.send(30, beat('a'));
				expect((await sendThrough(s, otherInstance, 60, beat('a'))).credit).toBe(30);
				expect((await sendThrough(s, otherInstance, 90, beat('a'))).credit).toBe(30);
				const r = await s.send(95, beat('a'));
				expect(r.credit).toBe(5);
				expect(s.cache!.misses).toBe(1);
				expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(95);
			});

			it('a takeover through another instance: the page with the stale state is refused and credits nothing', async () => {
				const s = await setup();
				const otherInstance = new BeatStateCache();
				await s.send(0, beat('a'));
				await s.send(30, beat('a'));
				expect((await sendThrough(s, otherInstance, 40, beat('b', { intent: 'takeover' }))).refused).toBeNull();
				const r = await s.send(60, beat('a'));
				expect(r.refused?.code).toBe('another_tab');
				expect(r.credit).toBe(0);
				expect((await sendThrough(s, otherInstance, 70, beat('b'))).credit).toBe(30);
				expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(60);
			});

			it('a lesson shortened after the state was cached: the write misses and the new length caps the credit', async () => {
				const s = await setup();
				for (const sec of [0, 30, 60]) await s.send(sec, beat('a'));
				await db.updateTable('lessons').set({ minutes: 1 }).where('id', '=', s.lessonId).execute();
				const r = await s.send(90, beat('a'));
				expect(r.credit).toBe(0);
				expect(r.lessonCompleted).toBe(true);
				expect(s.cache!.misses).toBe(1);
				expect(await credited(db, s.enrolmentId, s.lessonId)).toBe(60);
			});
		}

		it('study events are append-only', async () => {
			const s = await setup();
			await s.send(0, beat('a'));
			await expect(db.deleteFrom('study_events').where('person_id', '=', s.personId).execute()).rejects.toThrow(/append-only/);
			await expect(db.updateTable('study_events').set({ credited_seconds: 999 }).where('person_id', '=', s.personId).execute()).rejects.toThrow(/append-only/);
		});
	});
}
