// Issue 19: the 回放 lesson page through the built server (npx vite build first), on each backend.
// A course learner in the class audience is sent to the class page (which plays the signed replay);
// a course learner outside it gets 403 with the reason, and no replay address.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, dropPostgresDatabase } from '../support/db.ts';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { personOfAccount, prepareServerDatabase } from '../support/exam-factories.ts';
import { makeUser } from '../support/factories.ts';
import { enrol, makeCourse } from '../support/study-factories.ts';
import { seedIfEmpty } from '../../seeds/index.ts';
import { scheduleLiveClass } from '../../src/lib/server/live/live-service.ts';
import { setReplay, upsertReplayLesson } from '../../src/lib/server/live/live.repository.ts';

const built = hasBuild(import.meta.url);
const PASSWORD = 'Anxun@2026';
const OUTSIDE = '13800000007';
const INSIDE = '500115197803150011';

for (const backend of BACKENDS) {
	describe.skipIf(!built)(`the 回放 lesson page over HTTP (built server, ${backend})`, () => {
		let server: RunningServer;
		let dbUrl: string | null = null;
		let ids: { classId: number; lessonId: number; outsideEnrolment: number; insideEnrolment: number };

		beforeAll(async () => {
			const prepared = await prepareServerDatabase(backend, async (db) => {
				await seedIfEmpty(db, { demo: true });
				const outside = await personOfAccount(db, OUTSIDE);
				const inside = await personOfAccount(db, INSIDE);
				const course = await makeCourse(db, [{ minutes: 10 }]);
				const admin = await makeUser(db, { role: 'institution_admin', orgId: course.institutionId });
				const lecturer = await makeUser(db, { role: 'examiner', orgId: course.institutionId });
				const now = Date.now();
				const r = await scheduleLiveClass(
					db,
					{ userId: admin.id, orgId: course.institutionId, role: 'institution_admin', personId: null, ip: null },
					{
						title: '只给一人的直播',
						lecturerUserId: lecturer.id,
						startsAt: new Date(now - 3 * 3600_000),
						endsAt: new Date(now - 2 * 3600_000),
						audience: { orgIds: [], roleCategories: [], personIds: [inside] },
						creditHours: 1,
						signinBeforeMinutes: 15,
						signinAfterMinutes: 10,
						replayRule: 'replay_allowed',
						courseId: course.courseId
					},
					new Date(now - 86400_000)
				);
				if (!r.ok) throw new Error(JSON.stringify(r.errors));
				await setReplay(db, r.id, 'only-one.mp4', 60);
				const lessonId = await upsertReplayLesson(db, { classId: r.id, courseId: course.courseId, title: '回放：只给一人的直播', seconds: 60 });
				return { classId: r.id, lessonId, outsideEnrolment: await enrol(db, outside, course.courseId), insideEnrolment: await enrol(db, inside, course.courseId) };
			});
			dbUrl = prepared.url;
			ids = prepared.value;
			server = await startServer(prepared.env);
		}, 240_000);

		afterAll(async () => {
			await server?.stop();
			if (dbUrl) await dropPostgresDatabase(dbUrl);
		});

		it('a course learner in the class audience is sent to the class page', async () => {
			const c = new Client(server.url);
			await c.login(INSIDE, PASSWORD);
			const r = await c.get(`/learner/courses/${ids.insideEnrolment}/lessons/${ids.lessonId}`);
			expect(r.status).toBe(303);
			expect(r.headers.get('location')).toBe(`/learner/live/${ids.classId}`);
		});

		it('a course learner outside it gets 403 saying why and whom to ask, and cannot open the class page', async () => {
			const c = new Client(server.url);
			await c.login(OUTSIDE, PASSWORD);
			const r = await c.get(`/learner/courses/${ids.outsideEnrolment}/lessons/${ids.lessonId}`);
			expect(r.status).toBe(403);
			const html = await r.text();
			expect(html).toContain('只对这场直播的参训对象开放');
			expect(html).toContain('只给一人的直播');
			expect(html).toContain('请联系培训管理员把您加入这场直播');
			expect(html).not.toContain('only-one.mp4');
			// the class page itself is not there for them either (no signed replay address)
			const page = await c.get(`/learner/live/${ids.classId}`);
			expect(page.status).toBe(404);
		});
	});
}
