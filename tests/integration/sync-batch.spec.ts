import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeExamFixture, type ExamFixture } from '../support/exam-engine-fixture.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { prepareSessionPapers } from '../../src/lib/server/exams/paper-service.ts';
import { syncAttempt } from '../../src/lib/server/exams/attempt-service.ts';
import { listEvents, markFinished, startBatch, writeSync, writeSyncBatch, type SyncWriteInput } from '../../src/lib/server/exams/exam.repository.ts';

// 自动保存 in batches (exam.repository.ts, SYNC_BATCH_SQL): autosaves that arrive together go to
// PostgreSQL in one statement. Each request must get exactly what SYNC_SQL alone would give it, and an
// answer must be either in before the finish or refused.
const T0 = Date.parse('2026-11-20T02:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const GRACE = 30;

for (const backend of BACKENDS) {
	describe(`autosave batches (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let f: ExamFixture;
		/** attempt id by person, started at at(10) by browser-<person> */
		const attempt = new Map<number, number>();
		const person = (i: number) => f.persons[i]!;
		const attemptOf = (i: number) => attempt.get(person(i))!;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			f = await makeExamFixture(db, { opensAt: at(0), closesAt: at(7200), candidates: 40 });
			expect(await prepareSessionPapers(db, f.sessionId, at(-100))).toBe(40);
			const rows = await db.selectFrom('exam_attempts').select(['id', 'person_id']).where('session_id', '=', f.sessionId).execute();
			for (const r of rows) attempt.set(r.person_id!, r.id);
			// all but the last one start (the last stays 'ready')
			const started = await startBatch(
				db,
				f.persons.slice(0, 39).map((p) => ({ sessionId: f.sessionId, personId: p, accessCodeUpper: '', hasPhoto: false, now: at(10), client: { clientId: `browser-${p}`, ip: '10.0.0.9', userAgent: 'vitest' } }))
			);
			expect(started.size).toBe(39);
		});
		afterAll(async () => t?.close());

		const req = (i: number, now: Date, extra: Partial<SyncWriteInput> = {}): SyncWriteInput => ({
			attemptId: attemptOf(i),
			clientId: `browser-${person(i)}`,
			steps: [],
			events: [],
			acknowledge: [],
			now,
			graceSeconds: GRACE,
			...extra
		});
		const step = (seq: number, slot: number, response: string[] | boolean) => ({ seq, slot, response, clientAt: at(40) });
		const storedSteps = (attemptId: number) =>
			db.selectFrom('exam_answer_steps').select(['seq', 'slot', 'response', 'received_at']).where('attempt_id', '=', attemptId).orderBy('seq').execute();

		it('one statement writes each open request with its own clock, and refuses the others as SYNC_SQL does', async () => {
			const deadline = at(10 + 3600);
			const results = await writeSyncBatch(db, [
				req(0, at(50), { steps: [step(1, 1, ['A']), step(2, 2, true)] }),
				req(39, at(50), { steps: [step(1, 1, ['A'])] }), // not started
				req(1, at(50), { clientId: 'another-browser', steps: [step(1, 1, ['B'])] }), // held by another browser
				req(2, new Date(deadline.getTime() + (GRACE + 1) * 1000), { steps: [step(1, 1, ['C'])] }), // after deadline + grace
				req(3, new Date(deadline.getTime() + GRACE * 1000), { steps: [step(1, 1, ['D'])] }), // the last instant of the grace
				{ ...req(0, at(50)), attemptId: 999_999 } // no such attempt
			]);
			expect(results[0]).toMatchObject({ status: 'in_progress', open: true, written: [1, 2], client_id: `browser-${person(0)}`, warnings: null });
			expect(results[0]!.deadline_at?.toISOString()).toBe(deadline.toISOString());
			expect(results[1]).toMatchObject({ status: 'ready', open: false, written: [] });
			expect(results[2]).toMatchObject({ status: 'in_progress', open: false, written: [], client_id: `browser-${person(1)}` });
			expect(results[3]).toMatchObject({ status: 'in_progress', open: false, written: [] });
			expect(results[4]).toMatchObject({ status: 'in_progress', open: true, written: [1] });
			expect(results[5]).toBeUndefined();

			const a0 = await storedSteps(attemptOf(0));
			expect(a0.map((s) => [s.seq, s.slot, s.response, s.received_at.toISOString()])).toEqual([
				[1, 1, ['A'], at(50).toISOString()],
				[2, 2, true, at(50).toISOString()]
			]);
			for (const i of [39, 1, 2]) expect(await storedSteps(attemptOf(i))).toEqual([]);
			expect((await storedSteps(attemptOf(3))).map((s) => s.response)).toEqual([['D']]);
		});

		it('a step named twice in one batch is written from the first request only; a repeat of a stored seq is not written again', async () => {
			const results = await writeSyncBatch(db, [
				req(4, at(60), { steps: [step(1, 1, ['A']), step(2, 1, ['B'])] }),
				req(4, at(61), { steps: [step(2, 1, ['C']), step(3, 3, false)] }),
				req(0, at(62), { steps: [step(2, 2, true), step(3, 3, true)] }) // seq 2 stored by the test above
			]);
			expect(results.map((r) => r?.written)).toEqual([[1, 2], [3], [3]]);
			expect((await storedSteps(attemptOf(4))).map((s) => [s.seq, s.response, s.received_at.toISOString()])).toEqual([
				[1, ['A'], at(60).toISOString()],
				[2, ['B'], at(60).toISOString()],
				[3, false, at(61).toISOString()]
			]);
		});

		it('writes events and acknowledges warnings per request, and returns the warnings still open', async () => {
			const warn = async (i: number, message: string, s: number) =>
				(await db.insertInto('exam_actions').values({ attempt_id: attemptOf(i), kind: 'warn', message, at: at(s) }).returning('id').executeTakeFirstOrThrow()).id;
			const w1 = await warn(5, '请正视摄像头', 20);
			const w2 = await warn(5, '请勿离开座位', 21);
			const w3 = await warn(6, '请关闭其他窗口', 22);
			const results = await writeSyncBatch(db, [
				req(5, at(70), { acknowledge: [w1], events: [{ at: at(69), source: 'client', kind: 'blur', detail: { ms: 1200 } }] }),
				req(6, at(71), { acknowledge: [w1] }), // another attempt's warning: not this one's to acknowledge
				req(7, at(72), { clientId: 'another-browser', acknowledge: [], events: [{ at: at(72), source: 'client', kind: 'blur' }] }) // refused: no event
			]);
			expect(results[0]!.warnings).toEqual([{ id: w2, message: '请勿离开座位', at: expect.any(String) }]);
			expect(results[1]!.warnings?.map((w) => w.id)).toEqual([w3]);
			const actions = await db.selectFrom('exam_actions').select(['id', 'acknowledged_at']).where('id', 'in', [w1, w2, w3]).orderBy('id').execute();
			expect(actions.map((a) => a.acknowledged_at?.toISOString() ?? null)).toEqual([at(70).toISOString(), null, null]);
			const ev5 = await listEvents(db, attemptOf(5));
			expect(ev5.filter((e) => e.kind === 'blur').map((e) => [e.at.toISOString(), e.source, e.detail])).toEqual([[at(69).toISOString(), 'client', { ms: 1200 }]]);
			expect((await listEvents(db, attemptOf(7))).filter((e) => e.kind === 'blur')).toEqual([]);
		});

		it('thirty autosaves at once through syncAttempt each get their own answer back, and every saved answer is stored once', async () => {
			const group = Array.from({ length: 30 }, (_, i) => i + 8);
			const calls = group.flatMap((i) => [
				{ i, answers: [{ seq: 1, slot: 1, response: ['A'], clientAt: null }] },
				{ i, answers: [{ seq: 1, slot: 1, response: ['A'], clientAt: null }] }, // a retry of the same request
				{ i, answers: [{ seq: 2, slot: 2, response: ['B'], clientAt: null }] }
			]);
			const results = await Promise.all(
				calls.map((c) =>
					syncAttempt(db, { attemptId: attemptOf(c.i), personId: person(c.i), client: { clientId: `browser-${person(c.i)}`, ip: '10.0.0.9', userAgent: 'vitest' }, answers: c.answers, events: [], acknowledge: [] }, at(80))
				)
			);
			for (const [n, r] of results.entries()) {
				expect(r, `call ${n}`).not.toBeNull();
				// the answers may be judged differently per slot type; what matters: each seq is saved or refused with a reason, never lost
				expect([...r!.saved, ...r!.rejected.map((x) => x.seq)].sort(), `call ${n}`).toEqual(calls[n]!.answers.map((a) => a.seq));
			}
			for (const i of group) {
				const saved = results.flatMap((r, n) => (calls[n]!.i === i ? r!.saved : []));
				const stored = await storedSteps(attemptOf(i));
				expect(stored.map((s) => s.seq)).toEqual([...new Set(saved)].sort());
			}
		});

		if (backend === 'postgres') {
			/** A transaction that locks the attempt FOR UPDATE (as a finish does) until release(), then runs `then` in it. */
			const holdAttempt = async <T>(attemptId: number, then: (tx: Db) => Promise<T>) => {
				let release!: () => void;
				const released = new Promise<void>((r) => (release = r));
				let locked!: () => void;
				const isLocked = new Promise<void>((r) => (locked = r));
				const done = db.transaction().execute(async (tx) => {
					await tx.selectFrom('exam_attempts').select('id').where('id', '=', attemptId).forUpdate().execute();
					locked();
					await released;
					return then(tx);
				});
				await isLocked;
				return {
					release: () => {
						release();
						return done;
					}
				};
			};

			it('an attempt a finish holds is left out of the batch and waits alone: its answer is refused after the finish, the others are not held up', async () => {
				const held = attemptOf(20);
				const other = attemptOf(21);
				const finish = await holdAttempt(held, (tx) => markFinished(tx, held, 'submitted', at(90)));
				const batch = writeSyncBatch(db, [req(20, at(91), { steps: [step(9, 1, ['A'])] }), req(21, at(91), { steps: [step(9, 1, ['A'])] })]);
				// the other attempt's answer is in while the finish still holds its attempt
				for (let n = 0; n < 100 && !(await storedSteps(other)).some((s) => s.seq === 9); n++) await new Promise((r) => setTimeout(r, 20));
				expect((await storedSteps(other)).map((s) => s.seq)).toContain(9);
				expect(await finish.release()).toBe(true);
				const [r20, r21] = await batch;
				expect(r20).toMatchObject({ status: 'finished', open: false, written: [] });
				expect(r21).toMatchObject({ status: 'in_progress', open: true, written: [9] });
				expect((await storedSteps(held)).map((s) => s.seq)).not.toContain(9);
			});

			it('a request left out of its batch that then fails alone does not write its batch-mates’ events twice', async () => {
				const held = attemptOf(25);
				const holding = await holdAttempt(held, async () => true);
				// the same event-loop turn: one batch of two; the held attempt's request is left out, and alone
				// it fails (slot 0 breaks the table's check) once the lock is gone
				const heldCall = writeSync(db, req(25, at(96), { steps: [step(1, 0, ['A'])] }));
				const otherCall = writeSync(db, req(26, at(96), { events: [{ at: at(96), source: 'client', kind: 'paste', detail: { n: 1 } }] }));
				const heldOutcome = heldCall.then(
					() => 'written',
					() => 'failed'
				);
				for (let n = 0; n < 100 && !(await listEvents(db, attemptOf(26))).some((e) => e.kind === 'paste'); n++) await new Promise((r) => setTimeout(r, 20));
				await holding.release();
				expect(await heldOutcome).toBe('failed');
				expect((await otherCall)?.open).toBe(true);
				expect((await listEvents(db, attemptOf(26))).filter((e) => e.kind === 'paste')).toHaveLength(1);
			});

			it('writeSync on the pool goes through the group commit and gives the same answers', async () => {
				const results = await Promise.all([22, 23, 24].map((i) => writeSync(db, req(i, at(95), { steps: [step(1, 1, ['A'])] }))));
				expect(results.map((r) => r?.written)).toEqual([[1], [1], [1]]);
			});
		}
	});
}
