import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeExamFixture, type ExamFixture } from '../support/exam-engine-fixture.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { isPoolRoot } from '../../src/lib/server/db/prepared.ts';
import { prepareSessionPapers } from '../../src/lib/server/exams/paper-service.ts';
import { startAttempt } from '../../src/lib/server/exams/attempt-service.ts';
import { findAttempt, listEvents, startBatch, type EligibleStart } from '../../src/lib/server/exams/exam.repository.ts';

// 开始考试 in batches (exam.repository.ts, StartBatcher): starts that arrive together go to PostgreSQL in
// one statement. Each request must get exactly what the single statement would have given it.
const T0 = Date.parse('2026-11-20T02:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const client = (id: string) => ({ clientId: id, ip: '10.0.0.9', userAgent: 'vitest' });

for (const backend of BACKENDS) {
	describe(`start batches (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let f: ExamFixture;
		let prepared: Map<number, number>;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			f = await makeExamFixture(db, { opensAt: at(0), closesAt: at(7200), candidates: 30 });
			expect(await prepareSessionPapers(db, f.sessionId, at(-100))).toBe(30);
			const rows = await db.selectFrom('exam_attempts').select(['id', 'person_id']).where('session_id', '=', f.sessionId).execute();
			prepared = new Map(rows.map((r) => [r.person_id!, r.id]));
		});
		afterAll(async () => t?.close());

		const input = (personId: number, now: Date, extra: Partial<EligibleStart> = {}): EligibleStart => ({
			sessionId: f.sessionId,
			personId,
			accessCodeUpper: '',
			hasPhoto: false,
			now,
			client: client(`browser-${personId}`),
			...extra
		});

		it('takes the pool path on PostgreSQL only (a transaction or PGlite runs the single statement)', () => {
			expect(isPoolRoot(db)).toBe(backend === 'postgres');
		});

		it('one statement starts each eligible request with its own clock, browser and event, and nothing else', async () => {
			const [a, b, c, d] = f.persons as [number, number, number, number];
			const ids = await startBatch(db, [
				input(a, at(10)),
				input(999_999, at(10)), // not on the roster
				input(b, at(20)),
				input(b, at(20)), // the same candidate twice (a double click)
				input(c, at(-10)), // before the session opens
				input(d, at(7000)) // late: the deadline is the session close
			]);
			expect(ids.get(1)).toBe(prepared.get(a));
			expect(ids.has(2)).toBe(false);
			expect([ids.get(3), ids.get(4)].filter((x) => x !== undefined)).toEqual([prepared.get(b)]);
			expect(ids.has(5)).toBe(false);
			expect(ids.get(6)).toBe(prepared.get(d));

			const attemptA = await findAttempt(db, prepared.get(a)!);
			expect(attemptA).toMatchObject({ status: 'in_progress', client_id: `browser-${a}`, ip: '10.0.0.9', user_agent: 'vitest' });
			expect(attemptA?.started_at?.toISOString()).toBe(at(10).toISOString());
			expect(attemptA?.deadline_at?.toISOString()).toBe(at(10 + 3600).toISOString());
			expect((await findAttempt(db, prepared.get(b)!))?.deadline_at?.toISOString()).toBe(at(20 + 3600).toISOString());
			expect((await findAttempt(db, prepared.get(d)!))?.deadline_at?.toISOString()).toBe(at(7200).toISOString());
			expect((await findAttempt(db, prepared.get(c)!))?.status).toBe('ready');

			const eventsA = await listEvents(db, prepared.get(a)!);
			expect(eventsA.map((e) => e.kind)).toEqual(['started']);
			expect(eventsA[0]!.detail).toEqual({ ip: '10.0.0.9', deadline: at(10 + 3600).toISOString() });
			expect((await listEvents(db, prepared.get(b)!)).map((e) => e.kind)).toEqual(['started']);
			expect(await listEvents(db, prepared.get(c)!)).toEqual([]);
		});

		it('checks the 口令 and the identity photo per request', async () => {
			await db.updateTable('exam_sessions').set({ access_code: 'K7Q2', require_webcam: true }).where('id', '=', f.sessionId).execute();
			try {
				const [e, g, h] = f.persons.slice(4) as [number, number, number];
				const ids = await startBatch(db, [
					input(e, at(30), { accessCodeUpper: 'K7Q2', hasPhoto: true }),
					input(g, at(30), { accessCodeUpper: 'WRONG', hasPhoto: true }),
					input(h, at(30), { accessCodeUpper: 'K7Q2', hasPhoto: false })
				]);
				expect([...ids.entries()]).toEqual([[1, prepared.get(e)]]);
			} finally {
				await db.updateTable('exam_sessions').set({ access_code: null, require_webcam: false }).where('id', '=', f.sessionId).execute();
			}
		});

		it('checks the person and the session per request: inactive, invalid 身份证号, 现场核验, cancelled', async () => {
			const [inactive, badId, ok1] = f.persons.slice(28, 30).concat(f.persons.slice(7, 8)) as [number, number, number];
			await db.updateTable('persons').set({ active: false }).where('id', '=', inactive).execute();
			await db.updateTable('persons').set({ id_number: '110105194912310029' }).where('id', '=', badId).execute();
			const ids = await startBatch(db, [input(inactive, at(35)), input(badId, at(35))]);
			expect(ids.size).toBe(0);
			await db.updateTable('exam_sessions').set({ require_id_check: true }).where('id', '=', f.sessionId).execute();
			expect((await startBatch(db, [input(ok1, at(35)), input(ok1, at(35))])).size).toBe(0);
			await db.updateTable('exam_sessions').set({ require_id_check: false, status: 'cancelled' }).where('id', '=', f.sessionId).execute();
			expect((await startBatch(db, [input(ok1, at(35)), input(ok1, at(35))])).size).toBe(0);
			await db.updateTable('exam_sessions').set({ status: 'scheduled' }).where('id', '=', f.sessionId).execute();
			expect([...(await startBatch(db, [input(ok1, at(35)), input(inactive, at(35))])).entries()]).toEqual([[1, prepared.get(ok1)]]);
		});

		it('twenty candidates pressing 开始考试 together each get their own prepared attempt, once', async () => {
			const group = f.persons.slice(8, 28);
			// one of them presses twice
			const presses = [...group, group[0]!];
			const results = await Promise.all(
				presses.map((personId) => startAttempt(db, { sessionId: f.sessionId, personId, userId: 0, accessCode: '', client: client(`browser-${personId}`), identityPhoto: null }, at(40)))
			);
			for (const [i, r] of results.entries()) {
				expect(r.ok, `press ${i}`).toBe(true);
				if (r.ok) expect(r.attemptId).toBe(prepared.get(presses[i]!));
			}
			const firstPerson = results.filter((r, i) => presses[i] === group[0]);
			expect(firstPerson.map((r) => r.ok && r.resumed).sort()).toEqual([false, true]);
			for (const personId of group) {
				const attempt = await findAttempt(db, prepared.get(personId)!);
				expect(attempt?.status).toBe('in_progress');
				expect((await listEvents(db, prepared.get(personId)!)).filter((e) => e.kind === 'started')).toHaveLength(1);
			}
		});
	});
}
