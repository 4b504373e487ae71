import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { enrol, makeCourse, makePerson } from '../support/study-factories.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { recordDone, recordLiveBeat, scheduleLiveClass, type Actor } from '../../src/lib/server/live/live-service.ts';
import type { LiveConfig } from '../../src/lib/server/live/attendance.ts';
import { updateLesson } from '../../src/lib/server/courses/course-editor.ts';
import { findLiveClass, findLiveClassForPerson } from '../../src/lib/server/live/live.repository.ts';
import { recordHeartbeat } from '../../src/lib/server/study/heartbeat.ts';
import { DEFAULT_STUDY_CONFIG } from '../../src/lib/server/study/credit.ts';
import { getMyStudy } from '../../src/lib/server/study/my-study.query.ts';
import type { LiveServerConfig } from '../../src/lib/server/live/config.ts';

// Issue 19: a class's recording becomes a 回放 lesson of the class's course — added once, only for
// a class with a course; its time counts only in live_attendance (replay rule, class cap), never in
// lesson_progress; it completes for the course at 90% of the class.
const T0 = Date.parse('2026-06-10T02:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const CONFIG: LiveConfig = { intervalSeconds: 30, toleranceSeconds: 5, seekToleranceSeconds: 3, rollCallSeconds: 60 };

for (const backend of BACKENDS) {
	describe(`the replay as a lesson of the class's course (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let dir: string;
		let server: LiveServerConfig;
		let admin: Actor;
		let lecturer: number;
		let enterprise: number;
		let learner: number;
		let outsider: number;
		let courseId: number;
		let ordinaryLesson: number;
		let enrolmentId: number;

		async function schedule(title: string, replayRule: 'live_only' | 'replay_allowed', course: number | null, personIds: number[]) {
			const r = await scheduleLiveClass(
				db,
				admin,
				{
					title,
					lecturerUserId: lecturer,
					startsAt: at(0),
					endsAt: at(3600),
					audience: { orgIds: [], roleCategories: [], personIds },
					creditHours: 1,
					signinBeforeMinutes: 15,
					signinAfterMinutes: 10,
					replayRule,
					courseId: course
				},
				at(-86400)
			);
			if (!r.ok) throw new Error(JSON.stringify(r.errors));
			return r.id;
		}

		/** a 3-second recording of the class, as nginx-rtmp leaves it */
		async function record(classId: number, suffix: string) {
			const cls = (await findLiveClass(db, classId))!;
			const flv = join(dir, `${cls.playback_name}-${suffix}.flv`);
			execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=duration=3:size=64x64:rate=5', '-c:v', 'libx264', '-f', 'flv', flv]);
			return recordDone(db, server, { name: cls.playback_name, path: flv }, at(3700));
		}

		const replayLessons = (classId: number) => db.selectFrom('lessons').selectAll().where('live_class_id', '=', classId).execute();

		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			dir = mkdtempSync(join(tmpdir(), 'replay-lesson-'));
			server = { rtmpUrl: 'rtmp://127.0.0.1/live', playUrl: 'http://127.0.0.1:1', callbackSecret: 'x'.repeat(32), recordDir: dir };
			const c = await makeCourse(db, [{ minutes: 10 }]);
			courseId = c.courseId;
			ordinaryLesson = c.lessonIds[0]!;
			const a = await makeUser(db, { role: 'institution_admin', orgId: c.institutionId });
			admin = { userId: a.id, orgId: c.institutionId, role: 'institution_admin', personId: null, ip: null };
			lecturer = (await makeUser(db, { role: 'examiner', orgId: c.institutionId })).id;
			enterprise = await makeOrg(db, 'enterprise');
			learner = await makePerson(db, enterprise, { role: 'principal', name: '回放学员' });
			outsider = await makePerson(db, enterprise, { role: 'principal', name: '课外学员' });
			enrolmentId = await enrol(db, learner, courseId);
			await enrol(db, outsider, courseId);
		});
		afterAll(async () => {
			await t?.close();
			if (dir) rmSync(dir, { recursive: true, force: true });
		});

		it('only the organiser’s own course can be chosen', async () => {
			const other = await makeCourse(db, [{ minutes: 5 }]);
			const r = await scheduleLiveClass(
				db,
				admin,
				{
					title: '别人的课程',
					lecturerUserId: lecturer,
					startsAt: at(0),
					endsAt: at(3600),
					audience: { orgIds: [], roleCategories: [], personIds: [learner] },
					creditHours: 1,
					signinBeforeMinutes: 15,
					signinAfterMinutes: 10,
					replayRule: 'live_only',
					courseId: other.courseId
				},
				at(-86400)
			);
			expect(r.ok ? null : r.errors.course_id).toBe('所属课程必须是本单位的课程');
		});

		it('the recording adds the lesson once, in a 直播回放 module, with 0 minutes; no lesson for a class without course', async () => {
			const withCourse = await schedule('安全生产法讲座', 'replay_allowed', courseId, [learner]);
			const without = await schedule('无课程讲座', 'replay_allowed', null, [learner]);
			await db.insertInto('live_attendance').values({ class_id: withCourse, person_id: learner, tab_id: 'x', mode: 'live', last_beat_at: at(0), first_at: at(0), last_at: at(0), live_seconds: 1200, replay_seconds: 0 }).execute();
			expect((await record(withCourse, '1')).ok).toBe(true);
			expect((await record(withCourse, '2')).ok).toBe(true); // a second recording: still one lesson
			expect((await record(without, '1')).ok).toBe(true);
			const lessons = await replayLessons(withCourse);
			expect(lessons.map((l) => [l.title, l.kind, l.minutes, l.video_seconds, l.course_id])).toEqual([['回放：安全生产法讲座', 'video', 0, 3, courseId]]);
			const mod = await db.selectFrom('course_modules').select(['title', 'course_id']).where('id', '=', lessons[0]!.module_id).executeTakeFirstOrThrow();
			expect(mod).toEqual({ title: '直播回放', course_id: courseId });
			expect(await replayLessons(without)).toEqual([]);
			// 1200 s of a 3 s recording: the lesson completed at once (credited 0: time counts in live_attendance)
			const p = await db.selectFrom('lesson_progress').selectAll().where('lesson_id', '=', lessons[0]!.id).execute();
			expect(p.map((r) => [r.enrolment_id, r.credited_seconds, r.completed_at !== null])).toEqual([[enrolmentId, 0, true]]);
		});

		it('the course’s 学时 leave the lesson out and the study heartbeat refuses it (no double credit)', async () => {
			const classId = await schedule('回放不计课时', 'replay_allowed', courseId, [learner]);
			await record(classId, '1');
			const lesson = (await replayLessons(classId))[0]!;
			const beat = { tabId: 'tab-aaaaaaaa', state: 'active' as const, position: null, rate: null };
			const r1 = await recordHeartbeat(db, { personId: learner, enrolmentId, lessonId: lesson.id, beat, client: { ip: null, device: null } }, at(4000), DEFAULT_STUDY_CONFIG, () => 0.5);
			const r2 = await recordHeartbeat(db, { personId: learner, enrolmentId, lessonId: lesson.id, beat, client: { ip: null, device: null } }, at(4030), DEFAULT_STUDY_CONFIG, () => 0.5);
			expect([r1.refused?.code, r2.refused?.code]).toEqual(['lesson_not_in_course', 'lesson_not_in_course']);
			expect(await db.selectFrom('lesson_progress').select('lesson_id').where('lesson_id', '=', lesson.id).execute()).toEqual([]);
			const s = await getMyStudy(db, learner, enterprise, 2026, '2026-06-11');
			const course = s.courses.find((c) => c.courseId === courseId)!;
			expect(course.totalSeconds).toBe(10 * 60); // the ordinary lesson only
			expect(ordinaryLesson).toBeGreaterThan(0);
		});

		it('live_only replay credits 0; replay_allowed credits up to the cap minus live time', async () => {
			const onlyLive = await schedule('仅直播', 'live_only', courseId, [learner]);
			const allowed = await schedule('可回放', 'replay_allowed', courseId, [learner]);
			for (const [id, live, replay] of [
				[onlyLive, 600, 1800],
				[allowed, 3000, 1800]
			] as const) {
				await db.insertInto('live_attendance').values({ class_id: id, person_id: learner, tab_id: 'x', mode: 'replay', last_beat_at: at(0), first_at: at(0), last_at: at(0), live_seconds: live, replay_seconds: replay }).execute();
			}
			const s = await getMyStudy(db, learner, enterprise, 2026, '2026-06-11');
			const byTitle = (title: string) => s.live.classes.find((c) => c.title === title)!;
			const cap = Math.min(3600, s.xueshiMinutes * 60);
			expect(byTitle('仅直播').creditedReplaySeconds).toBe(0);
			expect(byTitle('可回放').creditedReplaySeconds).toBe(Math.max(0, cap - 3000));
		});

		it('the replay beat that crosses 90% of the recording completes the lesson — not the beat before', async () => {
			const classId = await schedule('回放跨过九成', 'replay_allowed', courseId, [learner]);
			await record(classId, '1'); // a 3-second recording: the threshold is ceil(3 × 0.9) = 3 s
			const cls = (await findLiveClass(db, classId))!;
			const lesson = (await replayLessons(classId))[0]!;
			const completed = async () =>
				(await db.selectFrom('lesson_progress').select('completed_at').where('lesson_id', '=', lesson.id).where('enrolment_id', '=', enrolmentId).executeTakeFirst())?.completed_at ?? null;
			const replay = (s: number, position: number) =>
				recordLiveBeat(db, cls, { personId: learner, beat: { tabId: 'replay-90', mode: 'replay', state: 'playing', position }, client: { ip: null, device: null } }, at(s), CONFIG);
			expect((await replay(4000, 0)).replaySeconds).toBe(0);
			expect((await replay(4002, 2)).replaySeconds).toBe(2);
			expect(await completed()).toBeNull();
			expect((await replay(4004, 3)).replaySeconds).toBe(4);
			expect(await completed()).toEqual(at(4004));
			// a later beat does not complete it again (the moment stays)
			await replay(4006, 3);
			expect(await completed()).toEqual(at(4004));
		});

		it('the course editor keeps a 回放 lesson’s kind, length and minutes: only its name and text change', async () => {
			const classId = await schedule('编辑回放课时', 'replay_allowed', courseId, [learner]);
			await record(classId, '1');
			const lesson = (await replayLessons(classId))[0]!;
			const editor = { ...admin, orgId: admin.orgId! };
			// a draft course: a published one also re-checks its publish rules on every save (the factory's
			// course has 10 minutes for 1 学时), which is not what this test is about
			await db.updateTable('courses').set({ status: 'draft' }).where('id', '=', courseId).execute();
			const refused = async (patch: Parameters<typeof updateLesson>[4]) => {
				const r = await updateLesson(db, editor, courseId, lesson.id, patch, null, at(5000));
				return r.ok ? null : r.errors;
			};
			expect(await refused({ minutes: 30 })).toEqual({ minutes: '直播回放课时的学时按直播的回放规则计入直播考勤，不能另设计入学时的分钟数' });
			expect(await refused({ kind: 'text' })).toEqual({ kind: '直播回放课时固定为视频，不能改类型' });
			expect(await refused({ video_seconds: 600 })).toEqual({ video_seconds: '直播回放的时长来自录像，不能修改' });
			const upload = { kind: 'video' as const, name: 'x.mp4', mime: 'video/mp4', size: 4, data: new Uint8Array([0, 0, 0, 0]) };
			expect((await updateLesson(db, editor, courseId, lesson.id, {}, upload, at(5000))).ok).toBe(false);
			// the same values, and a new name and text, are saved
			expect(await refused({ title: '回放：编辑后的名称', body_md: '讲座要点', minutes: 0, kind: 'video' })).toBeNull();
			const after = await db.selectFrom('lessons').select(['title', 'body_md', 'minutes', 'kind', 'video_seconds', 'file_id']).where('id', '=', lesson.id).executeTakeFirstOrThrow();
			expect(after).toEqual({ title: '回放：编辑后的名称', body_md: '讲座要点', minutes: 0, kind: 'video', video_seconds: 3, file_id: null });
		});

		it('tenancy: a course learner outside the class audience is not in the audience (no signed replay)', async () => {
			const classId = await schedule('只给一人', 'replay_allowed', courseId, [learner]);
			await record(classId, '1');
			expect((await replayLessons(classId)).length).toBe(1);
			expect((await findLiveClassForPerson(db, classId, outsider))?.inAudience ?? false).toBe(false);
			expect((await findLiveClassForPerson(db, classId, learner))?.inAudience).toBe(true);
		});
	});
}
