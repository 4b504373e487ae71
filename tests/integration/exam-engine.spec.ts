import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeExamFixture, type ExamFixture } from '../support/exam-engine-fixture.ts';
import { makeUser } from '../support/factories.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { prepareSessionPapers } from '../../src/lib/server/exams/paper-service.ts';
import { finishExpiredAttempts, loadAttemptForCandidate, startAttempt, submitAttempt, syncAttempt, type AnswerInput } from '../../src/lib/server/exams/attempt-service.ts';
import { currentAnswers, findAttempt, getPaperSlots, listEvents } from '../../src/lib/server/exams/exam.repository.ts';
import { extendAttempt, terminateAttempt, warnCandidate } from '../../src/lib/server/proctoring/proctor-service.ts';
import { runWorkerOnce } from '../../src/lib/server/jobs/worker.ts';
import type { StoredSlot } from '../../src/lib/server/exams/attempt.ts';

// The attempt engine against a real database, with the server's clock passed in.
const T0 = Date.parse('2026-11-20T02:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const client = (id = 'browser-one', ip = '10.0.0.1') => ({ clientId: id, ip, userAgent: 'vitest' });

for (const backend of BACKENDS) {
	describe(`exam attempt engine (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let f: ExamFixture;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			f = await makeExamFixture(db, { opensAt: at(0), closesAt: at(7200), candidates: 8 });
		});
		afterAll(async () => t?.close());

		async function begin(person: number, now = at(10), c = client()) {
			const r = await startAttempt(db, { sessionId: f.sessionId, personId: person, userId: 0, accessCode: '', client: c, identityPhoto: null }, now);
			if (!r.ok) throw new Error(r.reasons.join(' '));
			return r.attemptId;
		}
		async function slotsOf(attemptId: number): Promise<StoredSlot[]> {
			const a = await findAttempt(db, attemptId);
			return getPaperSlots(db, a!.paper_id);
		}
		function keyOf(slot: StoredSlot) {
			const q = f.bank.questions.find((x) => String(x.dbId) === slot.questionId)!;
			return q.answer as string | string[] | boolean;
		}
		const sync = (attemptId: number, person: number, answers: AnswerInput[], now: Date, c = client()) =>
			syncAttempt(db, { attemptId, personId: person, client: c, answers, events: [], acknowledge: [] }, now);

		it('prepares one pinned paper per candidate, idempotently, and starting takes the waiting attempt', async () => {
			expect(await prepareSessionPapers(db, f.sessionId, at(-100))).toBe(8);
			expect(await prepareSessionPapers(db, f.sessionId, at(-50))).toBe(0);
			const ready = await db.selectFrom('exam_attempts').select(['id', 'paper_id']).where('session_id', '=', f.sessionId).where('status', '=', 'ready').execute();
			expect(ready).toHaveLength(8);
			expect(new Set(ready.map((r) => r.paper_id)).size).toBe(8);
			const person = f.persons[0]!;
			const attemptId = await begin(person);
			expect(ready.map((r) => r.id)).toContain(attemptId);
			const a = await findAttempt(db, attemptId);
			expect(a?.status).toBe('in_progress');
			// 60 minutes from the start, inside the session window
			expect(a?.deadline_at?.toISOString()).toBe(at(10 + 3600).toISOString());
			// starting again resumes the same attempt
			const again = await startAttempt(db, { sessionId: f.sessionId, personId: person, userId: 0, accessCode: '', client: client(), identityPhoto: null }, at(20));
			expect(again).toEqual({ ok: true, attemptId, resumed: true });
		});

		it('caps the deadline at the session close', async () => {
			const attemptId = await begin(f.persons[1]!, at(7000));
			expect((await findAttempt(db, attemptId))?.deadline_at?.toISOString()).toBe(at(7200).toISOString());
		});

		it('refuses a person who is not on the roster, before the window and after it', async () => {
			const outsider = await startAttempt(db, { sessionId: f.sessionId, personId: 999999, userId: 0, accessCode: '', client: client(), identityPhoto: null }, at(10));
			expect(outsider.ok).toBe(false);
			const early = await startAttempt(db, { sessionId: f.sessionId, personId: f.persons[2]!, userId: 0, accessCode: '', client: client(), identityPhoto: null }, at(-10));
			expect(early.ok).toBe(false);
			if (!early.ok) expect(early.reasons.join()).toContain('考试尚未开始');
		});

		it('treats a prepared but unstarted attempt as not there for the page', async () => {
			const person = f.persons[3]!;
			const ready = await db.selectFrom('exam_attempts').select('id').where('person_id', '=', person).where('status', '=', 'ready').executeTakeFirstOrThrow();
			expect(await sync(ready.id, person, [{ seq: 1, slot: 1, response: null, clientAt: null }], at(30))).toBeNull();
			expect((await loadAttemptForCandidate(db, ready.id, person, client(), at(30)))?.status).toBe('refused');
			expect(await listEvents(db, ready.id)).toEqual([]);
		});

		it('asks for the access code when the session has one', async () => {
			const g = await makeExamFixture(db, { opensAt: at(0), closesAt: at(7200), candidates: 1, session: { access_code: 'AB12' } });
			const start = (code: string) => startAttempt(db, { sessionId: g.sessionId, personId: g.persons[0]!, userId: 0, accessCode: code, client: client(), identityPhoto: null }, at(10));
			const none = await start('');
			expect(none.ok ? '' : none.reasons.join()).toContain('须输入考场口令');
			const wrong = await start('ZZ99');
			expect(wrong.ok ? '' : wrong.reasons.join()).toContain('考场口令不正确');
			expect((await start('ab12')).ok).toBe(true);
		});

		it('saves answers idempotently; a late retry with an older seq never overwrites a newer answer', async () => {
			const person = f.persons[0]!;
			const attemptId = (await db.selectFrom('exam_attempts').select('id').where('person_id', '=', person).where('status', '=', 'in_progress').executeTakeFirstOrThrow()).id;
			const slot = (await slotsOf(attemptId)).find((s) => s.type === 'single')!;
			const [first, second] = slot.optionOrder;
			const r1 = await sync(attemptId, person, [{ seq: 1, slot: slot.slot, response: first, clientAt: null }], at(30));
			expect(r1?.saved).toEqual([1]);
			const r2 = await sync(attemptId, person, [{ seq: 2, slot: slot.slot, response: second, clientAt: null }], at(31));
			expect(r2?.saved).toEqual([2]);
			// the retry of seq 1 arrives late: acknowledged, but the answer stays `second`
			const r3 = await sync(attemptId, person, [{ seq: 1, slot: slot.slot, response: first, clientAt: null }], at(32));
			expect(r3?.saved).toEqual([1]);
			expect((await currentAnswers(db, attemptId)).get(slot.slot)?.response).toBe(second);
			// the same seq with a different answer (another tab) is a clash, not an overwrite
			const r4 = await sync(attemptId, person, [{ seq: 2, slot: slot.slot, response: first, clientAt: null }], at(33));
			expect(r4?.rejected[0]?.error).toContain('序号冲突');
			expect((await currentAnswers(db, attemptId)).get(slot.slot)?.response).toBe(second);
		});

		it('refuses bad answers one by one with the reason and writes nothing of them', async () => {
			const person = f.persons[0]!;
			const attemptId = (await db.selectFrom('exam_attempts').select('id').where('person_id', '=', person).where('status', '=', 'in_progress').executeTakeFirstOrThrow()).id;
			const slots = await slotsOf(attemptId);
			const single = slots.find((s) => s.type === 'single')!;
			const multiple = slots.find((s) => s.type === 'multiple')!;
			const judge = slots.find((s) => s.type === 'judge')!;
			const before = (await currentAnswers(db, attemptId)).size;
			const r = await sync(
				attemptId,
				person,
				[
					{ seq: 10, slot: 999, response: 'A', clientAt: null },
					{ seq: 11, slot: single.slot, response: 'Z', clientAt: null },
					{ seq: 12, slot: multiple.slot, response: 'A', clientAt: null },
					{ seq: 13, slot: judge.slot, response: 'maybe', clientAt: null },
					{ seq: 14, slot: multiple.slot, response: ['A', 'A'], clientAt: null }
				],
				at(40)
			);
			expect(r?.saved).toEqual([]);
			expect(r?.rejected.map((x) => x.seq)).toEqual([10, 11, 12, 13, 14]);
			expect(r?.rejected[0]?.error).toContain('不在您的试卷中');
			expect(r?.rejected[1]?.error).toContain('选项“Z”不存在');
			expect((await currentAnswers(db, attemptId)).size).toBe(before);
			// another person's attempt does not exist for them
			expect(await sync(attemptId, f.persons[3]!, [{ seq: 20, slot: single.slot, response: 'A', clientAt: null }], at(41))).toBeNull();
		});

		it('never sends answer keys or explanations with the paper', async () => {
			const person = f.persons[0]!;
			const attemptId = (await db.selectFrom('exam_attempts').select('id').where('person_id', '=', person).where('status', '=', 'in_progress').executeTakeFirstOrThrow()).id;
			const view = await loadAttemptForCandidate(db, attemptId, person, client(), at(50));
			expect(view?.status).toBe('in_progress');
			const text = JSON.stringify(view);
			expect(text).not.toContain('SECRET');
			expect(text).not.toMatch(/"answer"|"explanation"|"basis"/);
			if (view?.status === 'in_progress') expect(view.questions).toHaveLength(10);
		});

		it('grades a fully correct paper, passes it, and runs side effects after the finish commits', async () => {
			const person = f.persons[4]!;
			const attemptId = await begin(person, at(100));
			const slots = await slotsOf(attemptId);
			const answers = slots.map((s, i) => ({ seq: i + 1, slot: s.slot, response: keyOf(s), clientAt: null }));
			const r = await submitAttempt(db, { attemptId, personId: person, client: client(), answers, events: [] }, at(900));
			expect(r?.status).toBe('finished');
			const a = await findAttempt(db, attemptId);
			expect(a?.status).toBe('finished');
			expect(a?.finish_reason).toBe('submitted');
			expect(Number(a?.score)).toBe(100);
			expect(a?.passed).toBe(true);
			const result = a?.result as { byKnowledge: { knowledge: string }[] };
			expect(result.byKnowledge.map((k) => k.knowledge).sort()).toEqual(['law', 'ops']);
			// submitting again is harmless
			expect((await submitAttempt(db, { attemptId, personId: person, client: client(), answers: [], events: [] }, at(901)))?.status).toBe('finished');
			// late answers are refused and logged
			const late = await sync(attemptId, person, [{ seq: 99, slot: 1, response: null, clientAt: null }], at(902));
			expect(late?.status).toBe('finished');
			expect(late?.rejected).toHaveLength(1);
			expect((await listEvents(db, attemptId)).map((e) => e.kind)).toContain('answer_after_finish');
			// item statistics are a queued job, computed in the background
			const queued = await db.selectFrom('jobs').select(['kind', 'done_at']).where('kind', '=', 'item-stats').execute();
			expect(queued.some((j) => j.done_at === null)).toBe(true);
			await runWorkerOnce(db, () => at(1000));
			const stats = await db.selectFrom('item_stats').select(['question_id', 'responses']).where('bank_id', '=', f.bank.id).execute();
			expect(stats.length).toBe(10);
		});

		it('puts wrong and blank answers in the 错题本', async () => {
			const person = f.persons[5]!;
			const attemptId = await begin(person, at(100));
			const slots = await slotsOf(attemptId);
			const judge = slots.filter((s) => s.type === 'judge');
			const answers = judge.map((s, i) => ({ seq: i + 1, slot: s.slot, response: !keyOf(s), clientAt: null }));
			await submitAttempt(db, { attemptId, personId: person, client: client(), answers, events: [] }, at(300));
			const a = await findAttempt(db, attemptId);
			expect(Number(a?.score)).toBe(0);
			expect(a?.passed).toBe(false);
			const wrong = await db.selectFrom('wrong_answers').select('question_id').where('person_id', '=', person).execute();
			expect(wrong).toHaveLength(10);
		});

		it('finishes an expired attempt on any read, and the sweep finishes the rest at their deadline', async () => {
			const p1 = f.persons[6]!;
			const p2 = f.persons[7]!;
			const a1 = await begin(p1, at(200));
			const a2 = await begin(p2, at(200));
			const slot = (await slotsOf(a1))[0]!;
			expect((await sync(a1, p1, [{ seq: 1, slot: slot.slot, response: null, clientAt: null }], at(200 + 3600 + 4)))?.status).toBe('in_progress');
			// past deadline + grace: refused, and the read finishes it at the deadline
			const late = await sync(a1, p1, [{ seq: 2, slot: slot.slot, response: null, clientAt: null }], at(200 + 3600 + 6));
			expect(late?.status).toBe('finished');
			const f1 = await findAttempt(db, a1);
			expect(f1?.finish_reason).toBe('deadline');
			expect(f1?.finished_at?.toISOString()).toBe(at(3800).toISOString());
			expect((await listEvents(db, a1)).map((e) => e.kind)).toContain('answer_after_deadline');
			expect(await finishExpiredAttempts(db, at(5000))).toBeGreaterThanOrEqual(1);
			const f2 = await findAttempt(db, a2);
			expect(f2?.status).toBe('finished');
			expect(f2?.finished_at?.toISOString()).toBe(at(3800).toISOString());
			expect(f2?.result).not.toBeNull();
		});

		it('keeps answers consistent when submit and an answer race', async () => {
			const g = await makeExamFixture(db, { opensAt: at(0), closesAt: at(7200), candidates: 1 });
			const person = g.persons[0]!;
			const r = await startAttempt(db, { sessionId: g.sessionId, personId: person, userId: 0, accessCode: '', client: client(), identityPhoto: null }, at(10));
			if (!r.ok) throw new Error('start failed');
			const slots = await slotsOf(r.attemptId);
			const [s1, s2] = slots;
			const answer = (s: StoredSlot) => (s.type === 'judge' ? true : s.type === 'multiple' ? [s.optionOrder[0]!, s.optionOrder[1]!] : s.optionOrder[0]!);
			const [syncResult, submitResult] = await Promise.all([
				syncAttempt(db, { attemptId: r.attemptId, personId: person, client: client(), answers: [{ seq: 1, slot: s1!.slot, response: answer(s1!), clientAt: null }], events: [], acknowledge: [] }, at(20)),
				submitAttempt(db, { attemptId: r.attemptId, personId: person, client: client(), answers: [{ seq: 2, slot: s2!.slot, response: answer(s2!), clientAt: null }], events: [] }, at(20)),
				submitAttempt(db, { attemptId: r.attemptId, personId: person, client: client(), answers: [], events: [] }, at(20))
			]);
			const a = await findAttempt(db, r.attemptId);
			expect(a?.status).toBe('finished');
			const stored = await currentAnswers(db, r.attemptId);
			const graded = (a?.result as { answered: number }).answered;
			// whatever was acknowledged is stored and graded; whatever was refused is not
			expect(graded).toBe(stored.size);
			// the empty submit may win the race: then the other submit's answer was refused, not half-saved
			expect(stored.has(s2!.slot)).toBe(submitResult!.rejected.length === 0);
			expect(stored.has(s1!.slot)).toBe(syncResult!.saved.includes(1));
		});

		it('lets another browser take over, and refuses the old one afterwards', async () => {
			const g = await makeExamFixture(db, { opensAt: at(0), closesAt: at(7200), candidates: 2, session: { allow_new_device: false } });
			const strict = await startAttempt(db, { sessionId: g.sessionId, personId: g.persons[0]!, userId: 0, accessCode: '', client: client('laptop'), identityPhoto: null }, at(10));
			if (!strict.ok) throw new Error('start failed');
			expect((await loadAttemptForCandidate(db, strict.attemptId, g.persons[0]!, client('phone'), at(20)))?.status).toBe('refused');

			const h = await makeExamFixture(db, { opensAt: at(0), closesAt: at(7200), candidates: 1 });
			const r = await startAttempt(db, { sessionId: h.sessionId, personId: h.persons[0]!, userId: 0, accessCode: '', client: client('laptop'), identityPhoto: null }, at(10));
			if (!r.ok) throw new Error('start failed');
			const view = await loadAttemptForCandidate(db, r.attemptId, h.persons[0]!, client('phone', '10.9.9.9'), at(20));
			expect(view?.status).toBe('in_progress');
			const slot = (await slotsOf(r.attemptId))[0]!;
			const old = await syncAttempt(db, { attemptId: r.attemptId, personId: h.persons[0]!, client: client('laptop'), answers: [{ seq: 1, slot: slot.slot, response: null, clientAt: null }], events: [], acknowledge: [] }, at(30));
			expect(old?.status).toBe('superseded');
			const kinds = (await listEvents(db, r.attemptId)).map((e) => e.kind);
			expect(kinds).toEqual(expect.arrayContaining(['device_takeover', 'ip_change', 'concurrent_connection']));
		});

		it('examiner actions: a warning reaches the candidate, extension moves the deadline, termination finishes', async () => {
			const g = await makeExamFixture(db, { opensAt: at(0), closesAt: at(7200), candidates: 1 });
			const person = g.persons[0]!;
			const r = await startAttempt(db, { sessionId: g.sessionId, personId: person, userId: 0, accessCode: '', client: client(), identityPhoto: null }, at(10));
			if (!r.ok) throw new Error('start failed');
			const examiner = await makeUser(db, { role: 'examiner', orgId: g.institutionId });
			const actor = { userId: examiner.id, role: 'examiner', orgId: g.institutionId, personId: null, ip: null };
			expect(await warnCandidate(db, r.attemptId, '请勿离开考试页面', actor, at(20))).toEqual({ ok: true });
			const s = await syncAttempt(db, { attemptId: r.attemptId, personId: person, client: client(), answers: [], events: [], acknowledge: [] }, at(21));
			expect(s?.warnings.map((w) => w.message)).toEqual(['请勿离开考试页面']);
			const acked = await syncAttempt(db, { attemptId: r.attemptId, personId: person, client: client(), answers: [], events: [], acknowledge: s!.warnings.map((w) => w.id) }, at(22));
			expect(acked?.warnings).toEqual([]);
			const before = (await findAttempt(db, r.attemptId))!.deadline_at!;
			expect(await extendAttempt(db, r.attemptId, 10, '网络故障补时', actor, at(30))).toEqual({ ok: true });
			expect((await findAttempt(db, r.attemptId))!.deadline_at!.getTime() - before.getTime()).toBe(600_000);
			expect(await terminateAttempt(db, r.attemptId, '替考', actor, at(40))).toEqual({ ok: true });
			const a = await findAttempt(db, r.attemptId);
			expect(a?.finish_reason).toBe('terminated');
			const audit = await db.selectFrom('audit_log').select('action').where('target', '=', `exam_attempt:${r.attemptId}`).execute();
			expect(audit.map((x) => x.action).sort()).toEqual(['exam.extend', 'exam.terminate', 'exam.warn']);
		});
	});
}
