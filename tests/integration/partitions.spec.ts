import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import { enrol, makeCourse, makePerson } from '../support/study-factories.ts';
import { makeExamFixture, type ExamFixture } from '../support/exam-engine-fixture.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { recordHeartbeat } from '../../src/lib/server/study/heartbeat.ts';
import { DEFAULT_STUDY_CONFIG, type StudyConfig } from '../../src/lib/server/study/credit.ts';
import { startAttempt, syncAttempt } from '../../src/lib/server/exams/attempt-service.ts';
import { createPartitionsAhead, PARTITIONED } from '../../src/lib/server/jobs/partitions.ts';
import { runWorkerOnce } from '../../src/lib/server/jobs/worker.ts';

// Migration 031 and the worker's partitions job: monthly partitions of the append-only histories.
// The month boundary used throughout: 2027-03-31T23:59Z → 2027-04-01T00:00Z (UTC months).
const BOUNDARY = Date.parse('2027-04-01T00:00:00Z');
const at = (s: number) => new Date(BOUNDARY + s * 1000);
const NO_CHECKS: StudyConfig = { ...DEFAULT_STUDY_CONFIG, checkMinSeconds: 1e6, checkMaxSeconds: 1e6 };

async function partitionsOf(db: Db, table: string): Promise<string[]> {
	const { rows } = await sql<{ name: string }>`
		select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
		where i.inhparent = ${table}::regclass order by 1`.execute(db);
	return rows.map((r) => r.name);
}

async function expectRefused(db: Db, statement: string, message: RegExp): Promise<void> {
	await expect(sql.raw(statement).execute(db)).rejects.toThrow(message);
}

for (const backend of BACKENDS) {
	describe(`monthly partitions of the append-only histories (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let f: ExamFixture;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			f = await makeExamFixture(db, { opensAt: at(-3600), closesAt: at(7200), candidates: 2 });
		});
		afterAll(async () => t?.close());

		it('the three tables are partitioned by range with a DEFAULT partition', async () => {
			for (const { table } of PARTITIONED) {
				const { rows } = await sql<{ strategy: string }>`select partstrat as strategy from pg_partitioned_table where partrelid = ${table}::regclass`.execute(db);
				expect(rows[0]?.strategy).toBe('r');
				expect(await partitionsOf(db, table)).toContain(`${table}_default`);
			}
		});

		it('creates this month and the next two, once: a second run and two racing runs create nothing more', async () => {
			const created = await createPartitionsAhead(db, at(-86_400 * 10));
			expect(created).toEqual(
				expect.arrayContaining(['study_events_y2027m03', 'study_events_y2027m04', 'study_events_y2027m05', 'exam_events_y2027m05', 'exam_answer_steps_y2027m03'])
			);
			expect(created).toHaveLength(9);
			expect(await createPartitionsAhead(db, at(-86_400 * 10))).toEqual([]);
			const raced = await Promise.all([createPartitionsAhead(db, at(86_400 * 40)), createPartitionsAhead(db, at(86_400 * 40))]);
			// 2027-05-11: May exists; June and July are new, made by exactly one of the two
			expect([...raced[0], ...raced[1]].sort()).toEqual(
				['exam_answer_steps_y2027m06', 'exam_answer_steps_y2027m07', 'exam_events_y2027m06', 'exam_events_y2027m07', 'study_events_y2027m06', 'study_events_y2027m07'].sort()
			);
			for (const { table } of PARTITIONED) expect(await partitionsOf(db, table)).toEqual(expect.arrayContaining([`${table}_y2027m06`, `${table}_y2027m07`]));
		});

		it('the worker queues and runs the job once a day', async () => {
			await runWorkerOnce(db, () => new Date('2027-09-15T03:00:00Z'));
			expect(await partitionsOf(db, 'study_events')).toEqual(expect.arrayContaining(['study_events_y2027m09', 'study_events_y2027m10', 'study_events_y2027m11']));
			const jobs = await db.selectFrom('jobs').select(['done_at']).where('kind', '=', 'create-partitions').execute();
			expect(jobs).toHaveLength(1);
			expect(jobs[0]!.done_at).not.toBeNull();
		});

		it('heartbeats land in their month; one beat retried across midnight of the 1st credits once', async () => {
			const orgId = await makeOrg(db, 'enterprise');
			const personId = await makePerson(db, orgId);
			const course = await makeCourse(db, [{ minutes: 45 }]);
			const enrolmentId = await enrol(db, personId, course.courseId, 2027);
			const lessonId = course.lessonIds[0]!;
			const send = (s: number) =>
				recordHeartbeat(db, { personId, enrolmentId, lessonId, beat: { tabId: 'a', state: 'active', position: null, rate: null }, client: { ip: '10.0.0.1', device: 'test' } }, at(s), NO_CHECKS, () => 0.5);
			await send(-40);
			await send(-10);
			await send(20);
			await send(20); // the same beat again (a retry): stored as evidence, credits nothing
			const progress = await db.selectFrom('lesson_progress').select('credited_seconds').where('enrolment_id', '=', enrolmentId).executeTakeFirst();
			expect(progress?.credited_seconds).toBe(60);
			const { rows } = await sql<{ part: string; n: number }>`
				select tableoid::regclass::text as part, count(*)::int as n from study_events where person_id = ${personId} group by 1 order by 1`.execute(db);
			expect(rows).toEqual([
				{ part: 'study_events_y2027m03', n: 2 },
				{ part: 'study_events_y2027m04', n: 2 }
			]);
		});

		it('an answer retried after midnight of the 1st meets its first copy: the attempt keeps one partition', async () => {
			const personId = f.persons[0]!;
			const client = { clientId: 'browser-one', ip: '10.0.0.1', userAgent: 'vitest' };
			const started = await startAttempt(db, { sessionId: f.sessionId, personId, userId: 0, accessCode: '', client, identityPhoto: null }, at(-600));
			if (!started.ok) throw new Error(started.reasons.join(' '));
			const attemptId = started.attemptId;
			const { rows: papers } = await sql<{ slots: { slot: number; questionId: string }[] }>`select p.slots from exam_attempts a join exam_papers p on p.id = a.paper_id where a.id = ${attemptId}`.execute(db);
			const first = papers[0]!.slots[0]!;
			const response = f.bank.questions.find((q) => String(q.dbId) === first.questionId)!.answer;
			const sync = (seq: number, s: number) =>
				syncAttempt(db, { attemptId, personId, client, answers: [{ seq, slot: first.slot, response, clientAt: null }], events: [{ kind: 'page_hidden', at: at(s) }], acknowledge: [] }, at(s));
			expect((await sync(1, -30))?.saved).toEqual([1]);
			// the retry is acknowledged again (idempotent) but not stored twice
			expect((await sync(1, 30))?.saved).toEqual([1]);
			expect((await sync(2, 40))?.saved).toEqual([2]);
			const steps = await sql<{ seq: number; received_at: Date; part: string }>`
				select seq, received_at, tableoid::regclass::text as part from exam_answer_steps where attempt_id = ${attemptId} order by seq`.execute(db);
			expect(steps.rows.map((r) => [r.seq, new Date(r.received_at).toISOString(), r.part])).toEqual([
				[1, at(-30).toISOString(), 'exam_answer_steps_y2027m03'],
				[2, at(40).toISOString(), 'exam_answer_steps_y2027m03']
			]);
			// proctoring events follow their own time
			const events = await sql<{ part: string }>`
				select distinct tableoid::regclass::text as part from exam_events where attempt_id = ${attemptId} and kind = 'page_hidden' order by 1`.execute(db);
			expect(events.rows.map((r) => r.part)).toEqual(['exam_events_y2027m03', 'exam_events_y2027m04']);
		});

		it('append-only holds on the parent, on a month and on DEFAULT', async () => {
			// row triggers fire per row: every target below holds rows
			await sql`insert into study_events (at, person_id, kind) values (${new Date('2040-01-01T00:00:00Z')}, ${f.persons[1]!}, 'beat')`.execute(db);
			for (const target of ['study_events_y2027m03', 'study_events_y2027m04', 'study_events_default', 'exam_answer_steps_y2027m03']) {
				const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(target)}`.execute(db);
				expect(rows[0]!.n).toBeGreaterThan(0);
			}
			for (const target of ['study_events', 'study_events_y2027m04', 'study_events_default']) {
				await expectRefused(db, `update ${target} set reason = 'x'`, /append-only/);
			}
			await expectRefused(db, `delete from study_events`, /append-only|retention/);
			await expectRefused(db, `delete from study_events_y2027m03`, /append-only|retention/);
			await expectRefused(db, `update exam_answer_steps_y2027m03 set slot = slot`, /append-only/);
			await expectRefused(db, `delete from exam_events`, /append-only|retention/);
			for (const target of ['study_events', 'exam_answer_steps_y2027m03', 'exam_events_default']) {
				await expectRefused(db, `truncate ${target}`, /retention/);
			}
		});

		it('rows outside every month go to DEFAULT and move into their month when it is created', async () => {
			const attemptId = (await db.selectFrom('exam_attempts').select('id').where('status', '=', 'in_progress').executeTakeFirstOrThrow()).id;
			// a client clock years ahead
			await sql`insert into exam_events (attempt_id, at, source, kind) values (${attemptId}, ${new Date('2031-05-02T00:00:00Z')}, 'client', 'future_clock'), (${attemptId}, ${new Date('2032-01-02T00:00:00Z')}, 'client', 'future_clock')`.execute(db);
			const where = async () =>
				(await sql<{ part: string }>`select tableoid::regclass::text as part from exam_events where kind = 'future_clock' order by at`.execute(db)).rows.map((r) => r.part);
			expect(await where()).toEqual(['exam_events_default', 'exam_events_default']);
			const created = await createPartitionsAhead(db, new Date('2031-05-10T00:00:00Z'), 0);
			expect(created).toContain('exam_events_y2031m05');
			expect(await where()).toEqual(['exam_events_y2031m05', 'exam_events_default']);
			// the fresh DEFAULT is guarded like the old one
			await expectRefused(db, `update exam_events_default set kind = 'x'`, /append-only/);
			await expectRefused(db, `truncate exam_events_default`, /retention/);
		});
	});
}
