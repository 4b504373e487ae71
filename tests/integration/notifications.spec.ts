// Notification producers: each change tells the person exactly once, in its own transaction, with
// SMS / e-mail copies queued for the channels the person has and has not opted out of.
process.env.ANXUN_KEY_ENCRYPTION_KEY ??= 'a'.repeat(64);
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { makeCourse, makePerson } from '../support/study-factories.ts';
import { makeCandidatePerson, makeCertWorld, makeFinishedAttempt } from '../support/cert-factories.ts';
import { assignCourse, generateAnnualPlan } from '../../src/lib/server/study/plan-service.ts';
import { SYSTEM_ACTOR } from '../../src/lib/server/audit/actor.ts';
import { addCandidatesByIdNumbers } from '../../src/lib/server/exams/session-service.ts';
import { gradeAttempt } from '../../src/lib/server/exams/grading-service.ts';
import { decideCertificates, proposeCertificates, revokeCertificate } from '../../src/lib/server/certificates/issue-service.ts';
import { certificateConfigFromEnv } from '../../src/lib/server/certificates/rules.ts';
import { notifyCertificatesExpiring, notifyStudyDeadlines } from '../../src/lib/server/notifications/producers.ts';
import { countUnread, listMessages, markAllRead, openMessage, saveNotificationSettings } from '../../src/lib/server/notifications/messages.ts';
import { ensureDailyJob, jobHandlers } from '../../src/lib/server/jobs/worker.ts';
import { queueNotificationJobs } from '../../src/lib/server/notifications/jobs.ts';
import { runDueJobs } from '../../src/lib/server/jobs/queue.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

const NOW = new Date('2026-03-01T02:00:00Z');
const actor = { ...SYSTEM_ACTOR, role: 'enterprise_admin' };
const config = certificateConfigFromEnv({});

/** A learner account for a person (users.person_id), with an optional e-mail. */
async function accountFor(db: Db, personId: number, opts: { email?: string; mobile?: string | null } = {}) {
	const u = await makeUser(db, { role: 'learner', orgId: (await db.selectFrom('persons').select('org_id').where('id', '=', personId).executeTakeFirstOrThrow()).org_id });
	await db.updateTable('users').set({ person_id: personId, email: opts.email ?? null, mobile: opts.mobile === null ? null : (opts.mobile ?? u.mobile) }).where('id', '=', u.id).execute();
	return u.id;
}

const messagesOf = (db: Db, userId: number, kind?: string) => {
	let q = db.selectFrom('notifications').selectAll().where('user_id', '=', userId);
	if (kind) q = q.where('kind', '=', kind);
	return q.orderBy('id').execute();
};
const outboundOf = (db: Db, userId: number) => db.selectFrom('outbound_messages').selectAll().where('user_id', '=', userId).orderBy('id').execute();

for (const backend of BACKENDS) {
	describe(`notification producers (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
		});
		afterAll(async () => t?.close());

		it('course assigned: one message per new enrolment, SMS + e-mail queued, nothing twice, nothing for a person without account', async () => {
			const org = await makeOrg(db, 'enterprise');
			const { courseId } = await makeCourse(db, [{ minutes: 60 }], { roles: ['frontline'], hours: 1, trainingType: 'topic' });
			const withAccount = await makePerson(db, org, { role: 'frontline' });
			const noAccount = await makePerson(db, org, { role: 'frontline' });
			const userId = await accountFor(db, withAccount, { email: 'learner@example.com' });
			const before = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();

			const r = await assignCourse(db, { orgId: org, personIds: [withAccount, noAccount], courseId, year: 2026, dueOn: '2026-06-30', actor }, NOW);
			expect(r).toMatchObject({ ok: true, created: 2 });
			const mine = await messagesOf(db, userId, 'course_assigned');
			expect(mine).toHaveLength(1);
			expect(mine[0]!.body).toContain('2026-06-30');
			const after = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
			expect(Number(after.n) - Number(before.n)).toBe(1);
			const out = await outboundOf(db, userId);
			expect(out.map((o) => [o.channel, o.status, o.kind]).sort()).toEqual([
				['email', 'queued', 'course_assigned'],
				['sms', 'queued', 'course_assigned']
			]);
			expect(out.find((o) => o.channel === 'email')!.address).toBe('learner@example.com');

			// assigning again (and a replayed request at the same instant) tells nobody again
			await assignCourse(db, { orgId: org, personIds: [withAccount], courseId, year: 2026, dueOn: '2026-06-30', actor }, NOW);
			expect(await messagesOf(db, userId, 'course_assigned')).toHaveLength(1);
			expect(await outboundOf(db, userId)).toHaveLength(2);
		});

		it('the annual plan tells each learner once per course; an opt-out stops that channel only', async () => {
			const org = await makeOrg(db, 'enterprise');
			await makeCourse(db, [{ minutes: 60 }], { roles: ['safety_manager'], hours: 12 });
			const p = await makePerson(db, org, { role: 'safety_manager', hiredOn: '2015-01-01' });
			const userId = await accountFor(db, p, { email: 'sm@example.com' });
			await saveNotificationSettings(db, { userId, email: 'sm@example.com', receive: [{ kind: 'course_assigned', channel: 'email' }], ip: null, role: 'learner' }, NOW);
			const summary = await generateAnnualPlan(db, { orgId: org, year: 2026, dueOn: '2026-12-31', actor }, NOW);
			const messages = await messagesOf(db, userId, 'course_assigned');
			expect(messages.length).toBe(summary.created);
			expect(messages.length).toBeGreaterThan(0);
			const out = await outboundOf(db, userId);
			expect(out.every((o) => o.channel === 'email')).toBe(true);
			expect(out).toHaveLength(messages.length);
			await generateAnnualPlan(db, { orgId: org, year: 2026, dueOn: '2026-12-31', actor }, new Date(NOW.getTime() + 1000));
			expect(await messagesOf(db, userId, 'course_assigned')).toHaveLength(messages.length);
		});

		it('due in 7 days and overdue: said once per enrolment and due date, however often the daily job runs', async () => {
			const org = await makeOrg(db, 'enterprise');
			const { courseId } = await makeCourse(db, [{ minutes: 60 }], { roles: ['frontline'], hours: 1, trainingType: 'topic' });
			const soon = await makePerson(db, org, { role: 'frontline' });
			const late = await makePerson(db, org, { role: 'frontline' });
			const done = await makePerson(db, org, { role: 'frontline' });
			const far = await makePerson(db, org, { role: 'frontline' });
			const [uSoon, uLate, uDone, uFar] = [await accountFor(db, soon), await accountFor(db, late), await accountFor(db, done), await accountFor(db, far)];
			const enrolAt = new Date('2026-01-01T00:00:00Z');
			for (const [person, due] of [[soon, '2026-03-05'], [late, '2026-02-20'], [done, '2026-02-20'], [far, '2026-04-30']] as const) {
				await db.insertInto('enrolments').values({ person_id: person, course_id: courseId, plan_year: 2026, due_on: due, source: 'manual', created_at: enrolAt, completed_at: person === done ? enrolAt : null }).execute();
			}
			// two instances run the same day's job at once, then it runs again the next day
			await Promise.all([db.transaction().execute((tx) => notifyStudyDeadlines(tx, NOW)), db.transaction().execute((tx) => notifyStudyDeadlines(tx, NOW))].map((p) => p.catch(() => 0)));
			await notifyStudyDeadlines(db, NOW);
			await notifyStudyDeadlines(db, new Date(NOW.getTime() + 86_400_000));
			expect((await messagesOf(db, uSoon)).map((m) => m.kind)).toEqual(['course_due_soon']);
			expect((await messagesOf(db, uSoon))[0]!.body).toContain('2026-03-05');
			expect((await messagesOf(db, uLate)).map((m) => m.kind)).toEqual(['course_overdue']);
			expect(await messagesOf(db, uDone)).toHaveLength(0);
			expect(await messagesOf(db, uFar)).toHaveLength(0);
			// a later due date is a new reminder
			await db.updateTable('enrolments').set({ due_on: '2026-03-06' }).where('person_id', '=', soon).execute();
			await notifyStudyDeadlines(db, NOW);
			expect((await messagesOf(db, uSoon)).map((m) => m.kind)).toEqual(['course_due_soon', 'course_due_soon']);
		});

		it('the daily reminder jobs are queued once per day across instances and run through the worker', async () => {
			const lateNight = new Date('2026-03-01T15:30:00Z'); // 23:30 in China
			await queueNotificationJobs(db, lateNight, ensureDailyJob);
			await queueNotificationJobs(db, lateNight, ensureDailyJob);
			const jobs = await db.selectFrom('jobs').select(['kind', 'dedupe_key', 'run_after']).where('kind', 'in', ['notify-study-deadlines', 'notify-certificates-expiring']).execute();
			expect(jobs).toHaveLength(2);
			expect(jobs.every((j) => j.dedupe_key === '2026-03-01')).toBe(true);
			// reminders start at 08:00 China time, not at midnight
			expect(jobs.every((j) => new Date(j.run_after).toISOString() === '2026-03-01T00:00:00.000Z')).toBe(true);
			const ran = await runDueJobs(db, jobHandlers, () => lateNight);
			expect(ran).toBeGreaterThanOrEqual(2);
			const done = await db.selectFrom('jobs').select(['done_at', 'last_error']).where('kind', 'in', ['notify-study-deadlines', 'notify-certificates-expiring']).execute();
			expect(done.every((j) => j.done_at !== null && j.last_error === null)).toBe(true);
		});

		it('exam scheduled, exam graded, certificate issued / expiring / revoked: one message each', async () => {
			const w = await makeCertWorld(db, 'special_work', { withCourse: false });
			const person = await makeCandidatePerson(db, w.entYubei, { name: '孙海涛' });
			const userId = await accountFor(db, person, { email: 'sun@example.com' });
			const idNumber = (await db.selectFrom('persons').select('id_number').where('id', '=', person).executeTakeFirstOrThrow()).id_number;
			const added = await addCandidatesByIdNumbers(db, w.actors.institution, w.session, idNumber, NOW);
			expect(added).toMatchObject({ ok: true, added: 1 });
			await addCandidatesByIdNumbers(db, w.actors.institution, w.session, idNumber, NOW);
			const scheduled = await messagesOf(db, userId, 'exam_scheduled');
			expect(scheduled).toHaveLength(1);
			expect(scheduled[0]!.body).toMatch(/时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2} 至/);
			expect(scheduled[0]!.body).toContain('线上考试');
			expect(scheduled[0]!.body).toContain('请携带');

			const attempt = await makeFinishedAttempt(db, w.session, person);
			await db.updateTable('exam_attempts').set({ result: null, passed: null, score: null }).where('id', '=', attempt).execute();
			await gradeAttempt(db, attempt, NOW);
			await gradeAttempt(db, attempt, NOW);
			expect(await messagesOf(db, userId, 'exam_graded')).toHaveLength(1);
			// the test paper is empty, so it is graded as failed; a certificate needs a pass
			await db.updateTable('exam_attempts').set({ passed: true, score: '90' }).where('id', '=', attempt).execute();

			const proposed = await proposeCertificates(db, w.actors.institution, w.session, [attempt], NOW, config);
			const certId = proposed.done[0]!.id;
			expect(await messagesOf(db, userId, 'certificate_issued')).toHaveLength(0);
			await decideCertificates(db, w.actors.yubei, [certId], 'approve', null, NOW, config);
			const issued = await messagesOf(db, userId, 'certificate_issued');
			expect(issued).toHaveLength(1);
			expect(issued[0]!.body).toContain('特种作业操作证');

			// expiring: 90 days, then 30 days before, each once
			await db.updateTable('certificates').set({ valid_until: '2026-05-15' }).where('id', '=', certId).execute();
			await notifyCertificatesExpiring(db, NOW);
			await notifyCertificatesExpiring(db, NOW);
			expect((await messagesOf(db, userId, 'certificate_expiring')).map((m) => m.title)).toEqual(['证书将在 90 天内到期']);
			const april20 = new Date('2026-04-20T02:00:00Z');
			await notifyCertificatesExpiring(db, april20);
			await notifyCertificatesExpiring(db, april20);
			expect((await messagesOf(db, userId, 'certificate_expiring')).map((m) => m.title)).toEqual(['证书将在 90 天内到期', '证书将在 30 天内到期']);

			await revokeCertificate(db, w.actors.yubei, certId, '考试舞弊', NOW);
			const revoked = await messagesOf(db, userId, 'certificate_revoked');
			expect(revoked).toHaveLength(1);
			expect(revoked[0]!.body).toContain('考试舞弊');
			// every message also queued an SMS and an e-mail, each exactly once
			const out = await outboundOf(db, userId);
			const all = await messagesOf(db, userId);
			expect(out).toHaveLength(all.length * 2);
			expect(new Set(out.map((o) => o.idempotency_key)).size).toBe(out.length);
		});

		it('the message centre: newest first, unread count, open marks read, 全部已读, nobody else’s messages', async () => {
			const org = await makeOrg(db, 'enterprise');
			const me = await accountFor(db, await makePerson(db, org, { role: 'frontline' }));
			const other = await accountFor(db, await makePerson(db, org, { role: 'frontline' }));
			for (let i = 0; i < 25; i++) {
				await db.insertInto('notifications').values({ user_id: me, kind: 'course_assigned', title: `消息${i}`, body: '正文', created_at: new Date(NOW.getTime() + i * 1000) }).execute();
			}
			const theirs = await db.insertInto('notifications').values({ user_id: other, kind: 'course_assigned', title: '别人的', body: '正文', created_at: NOW }).returning('id').executeTakeFirstOrThrow();
			const page1 = await listMessages(db, me, 1);
			expect(page1).toMatchObject({ total: 25, unread: 25, pages: 2, page: 1 });
			expect(page1.items[0]!.title).toBe('消息24');
			expect((await listMessages(db, me, 2)).items).toHaveLength(5);
			expect(await openMessage(db, me, Number(theirs.id), NOW)).toBeUndefined();
			expect(await countUnread(db, other)).toBe(1);
			await openMessage(db, me, page1.items[0]!.id, NOW);
			expect(await countUnread(db, me)).toBe(24);
			expect(await markAllRead(db, me, NOW)).toBe(24);
			expect(await countUnread(db, me)).toBe(0);
			expect(await countUnread(db, other)).toBe(1);
		});
	});
}
