import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { enrol, makeCourse, makePerson } from '../support/study-factories.ts';
import { at, LIVE_CLIENT as client, LIVE_CONFIG as CONFIG, liveBeat as live, makeLiveStaff, oneHourClass, publishClass, scheduleClass, T0 } from '../support/live-factories.ts';
import { recordHeartbeat } from '../../src/lib/server/study/heartbeat.ts';
import { BeatStateCache } from '../../src/lib/server/study/beat-state-cache.ts';
import { DEFAULT_STUDY_CONFIG } from '../../src/lib/server/study/credit.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import {
	answerRollCall,
	checkPublish,
	classCapSeconds,
	issueStreamKey,
	postQuestion,
	publishDone,
	recordLiveBeat,
	scheduleLiveClass,
	startRollCall,
	type Actor
} from '../../src/lib/server/live/live-service.ts';
import { findAttendance, findLiveClass, isInAudience, listAttendance, listQuestions, listRollCalls, type LiveClassRow } from '../../src/lib/server/live/live.repository.ts';
import { requireAudienceClass, requireConsoleClass } from '../../src/lib/server/live/guard.ts';
import type { Scope } from '../../src/lib/server/auth/guards.ts';
import { creditedHours, DEFAULT_ROLLCALL_RULE, planRollCalls, type LiveBeatInput } from '../../src/lib/server/live/attendance.ts';

// The server's clock is a parameter (at(s), see live-factories.ts): the rules are proven without waiting for a real class.
const scopeOf = (s: Partial<Scope> & Pick<Scope, 'role' | 'orgId'>): Scope => ({
	userId: 0,
	personId: null,
	membershipId: 0,
	orgKind: 'institution',
	regionCode: '500112',
	regionPath: '/500000/500112/',
	...s
});

for (const backend of BACKENDS) {
	describe(`live classes: attendance and bad input (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let institution: number;
		let otherInstitution: number;
		let enterprise: number;
		let outsiderOrg: number;
		let admin: Actor;
		let lecturer: number;
		let alice: number;
		let bob: number;
		let carol: number;
		let named: number;
		let outsider: number;

		const schedule = (extra: Partial<Parameters<typeof scheduleLiveClass>[2]> = {}) =>
			scheduleClass(db, admin, { title: '全员安全生产直播课', lecturerUserId: lecturer, audience: { orgIds: [enterprise], roleCategories: ['frontline'], personIds: [named] }, ...extra });
		const publish = (cls: LiveClassRow, s: number) => publishClass(db, admin, cls, s);

		async function beat(cls: LiveClassRow, personId: number, s: number, b: LiveBeatInput) {
			return recordLiveBeat(db, cls, { personId, beat: b, client }, at(s), CONFIG);
		}

		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			institution = await makeOrg(db, 'institution');
			otherInstitution = await makeOrg(db, 'institution');
			enterprise = await makeOrg(db, 'enterprise');
			outsiderOrg = await makeOrg(db, 'enterprise');
			({ admin, lecturer } = await makeLiveStaff(db, institution));
			await makeUser(db, { role: 'examiner', orgId: otherInstitution });
			alice = await makePerson(db, enterprise, { role: 'frontline' });
			bob = await makePerson(db, enterprise, { role: 'frontline' });
			carol = await makePerson(db, enterprise, { role: 'principal' }); // wrong role category
			named = await makePerson(db, outsiderOrg, { role: 'principal' }); // named person
			outsider = await makePerson(db, outsiderOrg, { role: 'frontline' });
		});
		afterAll(async () => t?.close());

		it('audience: enterprise × role category, or named; everyone else is outside', async () => {
			const cls = await schedule();
			expect(await isInAudience(db, cls.id, alice)).toBe(true);
			expect(await isInAudience(db, cls.id, named)).toBe(true);
			expect(await isInAudience(db, cls.id, carol)).toBe(false);
			expect(await isInAudience(db, cls.id, outsider)).toBe(false);
		});

		it('refuses a lecturer from another institution and a credit larger than the class', async () => {
			const foreign = await db.selectFrom('memberships').select('user_id').where('org_id', '=', otherInstitution).executeTakeFirstOrThrow();
			const r = await scheduleLiveClass(
				db,
				admin,
				{
					title: 'x',
					lecturerUserId: foreign.user_id,
					startsAt: at(0),
					endsAt: at(1800),
					audience: { orgIds: [enterprise], roleCategories: [], personIds: [] },
					creditHours: 2,
					signinBeforeMinutes: 0,
					signinAfterMinutes: 0,
					replayRule: 'live_only'
				},
				at(-100)
			);
			expect(r.ok).toBe(false);
			if (!r.ok) {
				expect(r.errors.lecturer).toMatch(/主讲人/);
				expect(r.errors.credit_hours).toMatch(/学时/);
			}
		});

		it('a publish with a wrong, revoked or expired key is refused; the right key opens the stream', async () => {
			const cls = await schedule();
			const key = await publish(cls, -60);
			const name = key.split('?')[0]!;
			expect(await checkPublish(db, { name, key: 'nope', addr: null }, at(0))).toEqual({ ok: false, reason: 'wrong_key' });
			expect(await checkPublish(db, { name: 'c-unknown', key: 'x', addr: null }, at(0))).toEqual({ ok: false, reason: 'unknown_stream' });
			const goodKey = new URLSearchParams(key.split('?')[1]).get('key')!;
			expect((await checkPublish(db, { name, key: goodKey, addr: null }, at(7200 + 1))).ok).toBe(false); // expired: an hour after the end
			await issueStreamKey(db, admin, cls, at(10)); // a new key revokes the old one
			expect(await checkPublish(db, { name, key: goodKey, addr: null }, at(20))).toEqual({ ok: false, reason: 'revoked_key' });
			// another class's key does not open this class
			const other = await schedule();
			const otherKey = new URLSearchParams((await issueStreamKey(db, admin, other, at(0))).streamKey.split('?')[1]).get('key')!;
			expect(await checkPublish(db, { name, key: otherKey, addr: null }, at(30))).toEqual({ ok: false, reason: 'wrong_key' });
		});

		it('credits only time present between start and end while the stream was up; paused earns nothing', async () => {
			const cls = await schedule();
			await publish(cls, -120);
			// joins 10 minutes early: the time before the start is not credited
			await beat(cls, alice, -600, live('a1'));
			for (let s = -570; s <= 0; s += 30) await beat(cls, alice, s, live('a1'));
			expect((await beat(cls, alice, 30, live('a1'))).liveSeconds).toBe(30);
			// paused player: nothing for that period
			const paused = await beat(cls, alice, 60, live('a1', { state: 'paused' }));
			expect(paused.credit).toBe(0);
			expect((await beat(cls, alice, 90, live('a1'))).credit).toBe(30);
			// stream goes down at 100 and comes back at 150: only the up time counts
			await publishDone(db, { name: cls.playback_name, addr: null }, at(100));
			expect((await beat(cls, alice, 120, live('a1'))).credit).toBe(10);
			expect((await beat(cls, alice, 150, live('a1'))).credit).toBe(0);
			await publish(cls, 150);
			expect((await beat(cls, alice, 180, live('a1'))).credit).toBe(30);
			// near the end: nothing after ends_at
			await beat(cls, alice, 3590, live('a1')); // gap → restart, no credit
			const last = await beat(cls, alice, 3620, live('a1'));
			expect(last.refused?.code).toBe('ended');
			const row = (await listAttendance(db, cls.id, at(3620), 35)).find((r) => r.person_id === alice)!;
			expect(row.live_seconds).toBe(30 + 30 + 10 + 30);
		});

		it('a class whose stream never started credits nothing', async () => {
			const cls = await schedule();
			for (let s = 0; s <= 300; s += 30) await beat(cls, bob, s, live('b1'));
			const r = await beat(cls, bob, 330, live('b1'));
			expect(r.liveSeconds).toBe(0);
			expect(r.streamUp).toBe(false);
		});

		it('one lease per learner: a second device is refused and told why, and may take over', async () => {
			const cls = await schedule();
			await publish(cls, -10);
			await beat(cls, alice, 0, live('phone'));
			const second = await beat(cls, alice, 10, live('laptop'));
			expect(second.refused?.code).toBe('another_device');
			expect(second.refused?.message).toMatch(/另一台设备/);
			expect((await beat(cls, alice, 30, live('phone'))).credit).toBe(30);
			await beat(cls, alice, 40, live('laptop', { intent: 'takeover' }));
			expect((await beat(cls, alice, 60, live('phone'))).refused?.code).toBe('another_device');
			expect((await beat(cls, alice, 70, live('laptop'))).credit).toBe(30);
		});

		it('one lease across study and live: a counting live class stops course credit, with a message naming it; and vice versa', async () => {
			const cls = await schedule({ title: '防汛应急直播' });
			await publish(cls, -10);
			const dave = await makePerson(db, enterprise, { role: 'frontline' });
			const course = await makeCourse(db, [{ minutes: 30 }, { minutes: 30 }], { roles: ['frontline'] });
			const enrolmentId = await enrol(db, dave, course.courseId);
			const study = (s: number, intent?: 'release') =>
				recordHeartbeat(
					db,
					{ personId: dave, enrolmentId, lessonId: course.lessonIds[1]!, beat: { tabId: 'lesson-tab-1', state: 'active', position: null, rate: null, intent }, client },
					at(s),
					{ ...DEFAULT_STUDY_CONFIG, checkMinSeconds: 1e6, checkMaxSeconds: 1e6 },
					() => 0.5
				);
			await beat(cls, dave, 0, live('live-tab'));
			expect((await beat(cls, dave, 30, live('live-tab'))).credit).toBe(30);
			const refused = await study(40);
			expect(refused.refused?.code).toBe('live_elsewhere');
			expect(refused.refused?.message).toContain('《防汛应急直播》');
			expect(refused.credit).toBe(0);
			// the live page closes: study counts again
			await beat(cls, dave, 50, live('live-tab', { intent: 'release' }));
			expect((await study(55)).refused).toBeNull();
			expect((await study(85)).credit).toBe(30);
			// now the lesson counts: the live page is refused and told why
			const back = await beat(cls, dave, 90, live('live-tab'));
			expect(back.refused?.code).toBe('studying_elsewhere');
			expect(back.credit).toBe(0);
		});

		it('a lesson page deciding on its cached beat state is still refused once a live class counts', async () => {
			const cls = await schedule({ title: '消防演练直播' });
			await publish(cls, -10);
			const erin = await makePerson(db, enterprise, { role: 'frontline' });
			const course = await makeCourse(db, [{ minutes: 30 }], { roles: ['frontline'] });
			const enrolmentId = await enrol(db, erin, course.courseId);
			const cache = new BeatStateCache();
			const study = (s: number) =>
				recordHeartbeat(
					db,
					{ personId: erin, enrolmentId, lessonId: course.lessonIds[0]!, beat: { tabId: 'lesson-tab', state: 'active', position: null, rate: null }, client },
					at(s),
					{ ...DEFAULT_STUDY_CONFIG, checkMinSeconds: 1e6, checkMaxSeconds: 1e6 },
					() => 0.5,
					cache
				);
			await study(0);
			expect((await study(30)).credit).toBe(30);
			// the lesson page goes quiet, the live page counts; the lesson page comes back
			await beat(cls, erin, 100, live('live-tab'));
			expect((await beat(cls, erin, 130, live('live-tab'))).credit).toBe(30);
			const back = await study(140);
			expect(back.refused?.code).toBe('live_elsewhere');
			expect(cache.misses).toBe(1);
		});

		it('an enterprise schedules its own 全员 class: own staff only; another enterprise cannot open its console', async () => {
			const ea = await makeUser(db, { role: 'enterprise_admin', orgId: enterprise });
			const actor: Actor = { userId: ea.id, orgId: enterprise, role: 'enterprise_admin', personId: null, ip: null };
			const input = (audience: { orgIds: number[]; roleCategories: string[]; personIds: number[] }) => oneHourClass({ title: '本企业全员安全培训', lecturerUserId: ea.id, audience });
			const foreignPerson = await scheduleLiveClass(db, actor, input({ orgIds: [enterprise], roleCategories: [], personIds: [outsider] }), at(-86400));
			expect(foreignPerson).toMatchObject({ ok: false, errors: { audience: '指定人员中有不属于本企业的人员' } });
			const foreignOrg = await scheduleLiveClass(db, actor, input({ orgIds: [enterprise, outsiderOrg], roleCategories: [], personIds: [] }), at(-86400));
			expect(foreignOrg).toMatchObject({ ok: false, errors: { audience: '企业只能为本企业人员安排直播' } });
			// a lecturer must be of the enterprise itself
			const foreignLecturer = await scheduleLiveClass(db, actor, { ...input({ orgIds: [enterprise], roleCategories: [], personIds: [] }), lecturerUserId: lecturer }, at(-86400));
			expect(foreignLecturer.ok).toBe(false);
			const ok = await scheduleLiveClass(db, actor, input({ orgIds: [enterprise], roleCategories: [], personIds: [bob] }), at(-86400));
			if (!ok.ok) throw new Error(JSON.stringify(ok.errors));
			expect(await isInAudience(db, ok.id, alice)).toBe(true);
			expect(await isInAudience(db, ok.id, carol)).toBe(true); // 全员: every role category
			expect(await isInAudience(db, ok.id, outsider)).toBe(false);
			expect((await requireConsoleClass(db, scopeOf({ role: 'enterprise_admin', orgId: enterprise, userId: ea.id, orgKind: 'enterprise' }), String(ok.id))).id).toBe(ok.id);
			const otherAdmin = await makeUser(db, { role: 'enterprise_admin', orgId: outsiderOrg });
			await expect(
				requireConsoleClass(db, scopeOf({ role: 'enterprise_admin', orgId: outsiderOrg, userId: otherAdmin.id, orgKind: 'enterprise' }), String(ok.id))
			).rejects.toMatchObject({ status: 404 });
			// the institution that did not schedule it cannot either
			await expect(requireConsoleClass(db, scopeOf({ role: 'institution_admin', orgId: institution, userId: admin.userId! }), String(ok.id))).rejects.toMatchObject({ status: 404 });
		});

		it('outside the audience: no page, no playlist address, no heartbeat (404 before the rules)', async () => {
			const cls = await schedule();
			expect(await isInAudience(db, cls.id, outsider)).toBe(false);
			await expect(requireAudienceClass(db, scopeOf({ role: 'learner', orgId: outsiderOrg, personId: outsider }), String(cls.id))).rejects.toMatchObject({ status: 404 });
			await expect(requireAudienceClass(db, scopeOf({ role: 'learner', orgId: enterprise, personId: carol }), String(cls.id))).rejects.toMatchObject({ status: 404 });
			const ok = await requireAudienceClass(db, scopeOf({ role: 'learner', orgId: enterprise, personId: alice }), String(cls.id));
			expect(ok.cls.playback_name).toBe(cls.playback_name);
		});

		it('a lecturer of another institution cannot open the console; the class lecturer and the owner admin can', async () => {
			const cls = await schedule();
			const foreign = await db.selectFrom('memberships').select('user_id').where('org_id', '=', otherInstitution).executeTakeFirstOrThrow();
			await expect(requireConsoleClass(db, scopeOf({ role: 'examiner', orgId: otherInstitution, userId: foreign.user_id }), String(cls.id))).rejects.toMatchObject({ status: 404 });
			// an examiner of the same institution who is not the lecturer: 404 as well
			const colleague = (await makeUser(db, { role: 'examiner', orgId: institution })).id;
			await expect(requireConsoleClass(db, scopeOf({ role: 'examiner', orgId: institution, userId: colleague }), String(cls.id))).rejects.toMatchObject({ status: 404 });
			expect((await requireConsoleClass(db, scopeOf({ role: 'examiner', orgId: institution, userId: lecturer }), String(cls.id))).id).toBe(cls.id);
			expect((await requireConsoleClass(db, scopeOf({ role: 'institution_admin', orgId: institution, userId: admin.userId! }), String(cls.id))).id).toBe(cls.id);
			await expect(requireConsoleClass(db, scopeOf({ role: 'institution_admin', orgId: institution, userId: admin.userId! }), 'abc')).rejects.toMatchObject({ status: 404 });
		});

		it('signing in after the window: attendance recorded as late, no credit', async () => {
			const cls = await schedule();
			await publish(cls, -10);
			const first = await beat(cls, bob, 11 * 60, live('b2'));
			expect(first.refused?.code).toBe('late_signin');
			const next = await beat(cls, bob, 11 * 60 + 30, live('b2'));
			expect(next.credit).toBe(0);
			const row = (await listAttendance(db, cls.id, at(700), 35)).find((r) => r.person_id === bob)!;
			expect(row.late).toBe(true);
		});

		it('点名: unanswered past the deadline stops the clock; a late answer restarts it without the overdue time', async () => {
			const cls = await schedule();
			await publish(cls, -10);
			await beat(cls, named, 0, live('n1'));
			const rc = await startRollCall(db, admin, cls, at(10), CONFIG);
			expect(rc.ok).toBe(true);
			if (!rc.ok) return;
			const during = await beat(cls, named, 30, live('n1'));
			expect(during.rollCall?.id).toBe(rc.id);
			// held while the 点名 is open: it counts only once answered on time
			expect(during.credit).toBe(0);
			await beat(cls, named, 60, live('n1'));
			const overdue = await beat(cls, named, 90, live('n1'));
			expect(overdue.refused?.code).toBe('rollcall_overdue');
			expect(overdue.credit).toBe(0);
			const late = await answerRollCall(db, { personId: named, classId: cls.id, rollCallId: rc.id, client }, at(100));
			expect(late).toMatchObject({ ok: true, onTime: false });
			expect((await beat(cls, named, 120, live('n1'))).credit).toBe(20);
			// missed: nothing from the last beat before the 点名 (0 s) to the late answer (100 s)
			expect((await findAttendance(db, cls.id, named))!.live_seconds).toBe(20);
			// a 点名 of another class cannot be answered here
			expect((await answerRollCall(db, { personId: named, classId: cls.id + 999, rollCallId: rc.id, client }, at(121))).ok).toBe(false);
		});

		it('点名 answered on time: the time held while it was open counts', async () => {
			const cls = await schedule();
			await publish(cls, -10);
			await beat(cls, alice, 0, live('a9'));
			const rc = await startRollCall(db, admin, cls, at(10), CONFIG);
			if (!rc.ok) throw new Error('rollcall');
			expect((await beat(cls, alice, 30, live('a9'))).credit).toBe(0);
			expect((await findAttendance(db, cls.id, alice))!.held_seconds).toBe(30);
			expect(await answerRollCall(db, { personId: alice, classId: cls.id, rollCallId: rc.id, client }, at(40))).toMatchObject({ ok: true, onTime: true });
			const row = (await findAttendance(db, cls.id, alice))!;
			expect([row.live_seconds, row.held_seconds]).toEqual([30, 0]);
			expect((await beat(cls, alice, 60, live('a9'))).credit).toBe(30);
			// the evidence rows add up to the credited time
			const sum = await db
				.selectFrom('live_beats')
				.select((eb) => eb.fn.sum<string>('credited_seconds').as('s'))
				.where('class_id', '=', cls.id)
				.where('person_id', '=', alice)
				.executeTakeFirstOrThrow();
			expect(Number(sum.s)).toBe(60);
		});

		it('automatic 点名: planned at random (2–4 per hour), stored in PostgreSQL, appear without the lecturer', async () => {
			let seed = 0.37;
			const rng = () => (seed = (seed * 9301 + 0.49297) % 1);
			const plan = planRollCalls(DEFAULT_ROLLCALL_RULE, at(0), at(3600), rng);
			expect(plan.length).toBeGreaterThanOrEqual(2);
			expect(plan.length).toBeLessThanOrEqual(4);
			for (const [i, p] of plan.entries()) {
				expect(p.issuedAt >= at(300)).toBe(true);
				expect(p.deadlineAt.getTime() - p.issuedAt.getTime()).toBe(60_000);
				expect(p.deadlineAt < at(3600)).toBe(true);
				if (i > 0) expect(p.issuedAt.getTime()).toBeGreaterThanOrEqual(plan[i - 1]!.deadlineAt.getTime());
			}
			// a short class still gets one; a rule of zero gets none
			expect(planRollCalls(DEFAULT_ROLLCALL_RULE, at(0), at(600), () => 0.5)).toHaveLength(1);
			expect(planRollCalls({ minPerHour: 0, maxPerHour: 0, answerSeconds: 60 }, at(0), at(3600), () => 0.5)).toHaveLength(0);

			const cls = await scheduleClass(db, admin, { title: '自动点名', lecturerUserId: lecturer, audience: { orgIds: [enterprise], roleCategories: [], personIds: [] }, rollCallRule: DEFAULT_ROLLCALL_RULE }, () => 0.5);
			expect(cls.rollcall_rule).toEqual(DEFAULT_ROLLCALL_RULE);
			const stored = await listRollCalls(db, cls.id);
			expect(stored.length).toBe(3);
			expect(stored.every((x) => x.auto)).toBe(true);
			const first = stored[0]!;
			const s0 = (first.issued_at.getTime() - T0) / 1000;
			await publish(cls, -10);
			await beat(cls, bob, 0, live('b7')); // signs in
			const before = await beat(cls, bob, s0 - 20, live('b7'));
			expect(before.rollCall).toBeNull();
			// every app instance reads the same row: the 点名 is due now, no lecturer action
			const due = await beat(cls, bob, s0 + 5, live('b7'));
			expect(due.rollCall?.id).toBe(first.id);
			expect(due.credit).toBe(0);
			expect((await beat(cls, bob, s0 + 35, live('b7'))).credit).toBe(0);
			const overdue = await beat(cls, bob, s0 + 70, live('b7'));
			expect(overdue.refused?.code).toBe('rollcall_overdue');
			expect((await findAttendance(db, cls.id, bob))!.live_seconds).toBe(0);
			// the console counts only the 点名 already issued
			const { countRollCalls } = await import('../../src/lib/server/live/live.repository.ts');
			expect(await countRollCalls(db, cls.id, at(s0 + 70))).toBe(1);
		});

		it('the live lease ends with the class: a replay on another device starts at once', async () => {
			const cls0 = await schedule({ replayRule: 'replay_allowed' });
			await publish(cls0, -10);
			await beat(cls0, named, 3590, live('phone-live'));
			await db.updateTable('live_classes').set({ replay_file: 'y.mp4', replay_seconds: 3000 }).where('id', '=', cls0.id).execute();
			const cls = (await findLiveClass(db, cls0.id))!;
			const first = await beat(cls, named, 3605, { tabId: 'laptop-replay', mode: 'replay', state: 'playing', position: 0 });
			expect(first.refused).toBeNull();
			expect((await beat(cls, named, 3635, { tabId: 'laptop-replay', mode: 'replay', state: 'playing', position: 30 })).credit).toBe(30);
		});

		it('replays credit only under the class rule; live and replay minutes are kept apart; seeking ahead earns nothing', async () => {
			for (const rule of ['live_only', 'replay_allowed'] as const) {
				const cls0 = await schedule({ replayRule: rule });
				await db.updateTable('live_classes').set({ replay_file: 'x.mp4', replay_seconds: 3000 }).where('id', '=', cls0.id).execute();
				const cls = (await findLiveClass(db, cls0.id))!;
				const replay = (s: number, position: number) => beat(cls, alice, s, { tabId: 'r', mode: 'replay', state: 'playing', position });
				await replay(4000, 0);
				await replay(4030, 30);
				const skip = await replay(4060, 500);
				expect(skip.refused?.code).toBe('seek_ahead');
				// the page is told where the counted watching stopped, and its player goes back there
				expect(skip.watchedSeconds).toBe(30);
				await replay(4090, 60);
				const att = (await listAttendance(db, cls.id, at(4100), 35)).find((r) => r.person_id === alice)!;
				expect(att.live_seconds).toBe(0);
				expect(att.replay_seconds).toBe(60);
				const hours = creditedHours({ ...att }, cls.replay_rule, await classCapSeconds(db, cls), 45);
				expect(hours).toBe(rule === 'replay_allowed' ? 0 : 0); // 60 s is below 0.1 学时 either way
				const cap = await classCapSeconds(db, cls);
				expect(creditedHours({ live_seconds: 0, replay_seconds: 2700, late: false }, cls.replay_rule, cap, 45)).toBe(rule === 'replay_allowed' ? 1 : 0);
			}
		});

		it('a replay page that played on while another page held the lease goes back to the counted position, then counts', async () => {
			const cls0 = await schedule({ replayRule: 'replay_allowed' });
			await db.updateTable('live_classes').set({ replay_file: 'z.mp4', replay_seconds: 3000 }).where('id', '=', cls0.id).execute();
			const cls = (await findLiveClass(db, cls0.id))!;
			const on = (tabId: string, s: number, position: number) => beat(cls, alice, s, { tabId, mode: 'replay', state: 'playing', position });
			// the page before a reload holds the lease; the reloaded page plays on, refused
			await on('before-reload', 4000, 0);
			expect((await on('reloaded', 4010, 10)).refused?.code).toBe('another_device');
			// the old lease lapses: the reloaded page takes it over at position 50, counting nothing yet
			expect((await on('reloaded', 4050, 50)).refused).toBeNull();
			// its player is 30 s further: ahead of the counted position (0), so refused with where to go back
			const ahead = await on('reloaded', 4080, 80);
			expect(ahead.refused?.code).toBe('seek_ahead');
			expect(ahead.watchedSeconds).toBe(0);
			expect(ahead.credit).toBe(0);
			// back at 0 (live-clock.svelte.ts sets currentTime), it counts again
			const counted = await on('reloaded', 4110, 30);
			expect(counted.refused).toBeNull();
			expect(counted.credit).toBe(30);
			expect(counted.replaySeconds).toBe(30);
			expect(counted.watchedSeconds).toBe(30);
		});

		it('questions are stored as text, rate limited, and a learner sees only theirs and shown ones', async () => {
			const cls = await schedule();
			const r = await postQuestion(db, { personId: alice, cls, body: '<img src=x onerror=alert(1)>灭火器怎么检查？' }, at(100));
			expect(r.ok).toBe(true);
			const other = await postQuestion(db, { personId: bob, cls, body: '别人的问题' }, at(101));
			expect(other.ok).toBe(true);
			const mine = await listQuestions(db, cls.id, { personId: alice });
			expect(mine.map((q) => q.body)).toEqual(['<img src=x onerror=alert(1)>灭火器怎么检查？']);
			for (let i = 0; i < 4; i++) await postQuestion(db, { personId: alice, cls, body: `q${i}` }, at(110 + i));
			const flood = await postQuestion(db, { personId: alice, cls, body: 'too many' }, at(120));
			expect(flood.ok).toBe(false);
		});

		it('live_beats is append-only', async () => {
			await expect(db.deleteFrom('live_beats').execute()).rejects.toThrow();
		});
	});
}
