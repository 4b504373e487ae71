import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import { makePerson } from '../support/study-factories.ts';
import { makeExamFixture } from '../support/exam-engine-fixture.ts';
import { makePracticeBank, makePracticeBlueprint, responseFor, type PracticeBank } from '../support/practice-factories.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import type { StoredSlot } from '../../src/lib/server/exams/attempt.ts';
import { checkSessionAccess, startAttempt, submitAttempt, syncAttempt, type AnswerInput } from '../../src/lib/server/exams/attempt-service.ts';
import { findAttempt, getPaperSlots } from '../../src/lib/server/exams/exam.repository.ts';
import { computeBankItemStats } from '../../src/lib/server/exams/grading-service.ts';
import { prepareSessionPapers } from '../../src/lib/server/exams/paper-service.ts';
import {
	knowledgeTree,
	listMockExams,
	listOpenBanks,
	listOpenPractice,
	startChapterPractice,
	startMockExam,
	startWrongAnswerPractice
} from '../../src/lib/server/practice/practice-service.ts';
import { getWrongAnswerBook } from '../../src/lib/server/practice/wrong-answers.query.ts';

// Practice (模拟考试, 章节练习, 错题重练) on the exam engine, against a real database.
const T0 = Date.parse('2026-11-20T02:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const client = { clientId: 'practice-tab', ip: '10.0.0.9', userAgent: 'vitest' };

for (const backend of BACKENDS) {
	describe(`practice mode and 错题本 (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let bank: PracticeBank;
		let closedBank: PracticeBank;
		let institution: number;
		let learner: number;
		let specialWorker: number;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			institution = await makeOrg(db, 'institution');
			const enterprise = await makeOrg(db, 'enterprise');
			bank = await makePracticeBank(db);
			// open to 特种作业人员 only (by code, as some banks write it)
			closedBank = await makePracticeBank(db, { ownerOrgId: institution, audience: ['special_worker'] });
			learner = await makePerson(db, enterprise, { role: 'frontline' });
			specialWorker = await makePerson(db, enterprise, { role: 'principal' });
		});
		afterAll(async () => t?.close());

		async function slotsOf(attemptId: number): Promise<StoredSlot[]> {
			const a = await findAttempt(db, attemptId);
			return getPaperSlots(db, a!.paper_id);
		}
		const questionOf = (b: PracticeBank, slot: StoredSlot) => b.byId.get(slot.questionId)!;
		const sync = (attemptId: number, person: number, answers: AnswerInput[], now: Date) =>
			syncAttempt(db, { attemptId, personId: person, client, answers, events: [], acknowledge: [] }, now);
		const submit = (attemptId: number, person: number, now: Date) => submitAttempt(db, { attemptId, personId: person, client, answers: [], events: [] }, now);

		it('lists the banks open to the learner by role category (Chinese names or codes)', async () => {
			const open = await listOpenBanks(db, learner);
			expect(open.map((b) => b.id)).toContain(bank.id);
			expect(open.map((b) => b.id)).not.toContain(closedBank.id);
			expect(open.find((b) => b.id === bank.id)?.questions).toBe(18);
			const tree = await knowledgeTree(db, learner, bank.id);
			expect(tree).toEqual([
				{ code: 'law', name: '法律法规', depth: 0, questions: 12 },
				{ code: 'law.duty', name: '主体责任', depth: 1, questions: 6 },
				{ code: 'law.rights', name: '从业人员权利', depth: 1, questions: 6 },
				{ code: 'ops', name: '现场管理', depth: 0, questions: 6 }
			]);
			expect(await knowledgeTree(db, learner, closedBank.id)).toBeNull();
		});

		it('模拟考试: a timed, fresh random paper from a practice-open blueprint, every time', async () => {
			const blueprintId = await makePracticeBlueprint(db, institution, [bank.id], { name: '一线从业人员模拟考试' });
			const hidden = await makePracticeBlueprint(db, institution, [bank.id], { practiceOpen: false });
			const mocks = await listMockExams(db, learner, at(0));
			expect(mocks.map((m) => m.blueprintId)).toEqual([blueprintId]);
			expect(mocks[0]).toMatchObject({ durationMinutes: 30, questions: 11, totalPoints: 100, passMark: 80, finished: 0, unavailable: null });

			const first = await startMockExam(db, { personId: learner, blueprintId }, at(0));
			const second = await startMockExam(db, { personId: learner, blueprintId }, at(1));
			if (!first.ok || !second.ok) throw new Error('mock exam refused');
			const a = await findAttempt(db, first.attemptId);
			expect(a).toMatchObject({ mode: 'practice', session_id: null, candidate_id: null, person_id: learner, status: 'in_progress' });
			expect(a?.deadline_at?.toISOString()).toBe(at(30 * 60).toISOString());
			const [s1, s2] = [await slotsOf(first.attemptId), await slotsOf(second.attemptId)];
			expect(s1).toHaveLength(11);
			expect(s1.filter((s) => s.type === 'judge')).toHaveLength(6);
			expect(new Set(s1.map((s) => s.questionId)).size).toBe(11);
			expect((await findAttempt(db, second.attemptId))?.paper_id).not.toBe(a?.paper_id);
			// fresh draws: the two papers differ in questions or order (6 of 9 judge questions drawn twice in the same order is 1 in 60480)
			expect(s2.map((s) => `${s.questionId}/${s.optionOrder.join('')}`)).not.toEqual(s1.map((s) => `${s.questionId}/${s.optionOrder.join('')}`));
			expect((await listOpenPractice(db, learner, at(2))).map((p) => p.attemptId)).toEqual([second.attemptId, first.attemptId]);

			expect(await startMockExam(db, { personId: learner, blueprintId: hidden }, at(2))).toEqual({ ok: false, reason: expect.stringContaining('没有向您开放') });
			// finished 模拟考试 count on the list, with the best score
			await submit(first.attemptId, learner, at(60));
			expect((await listMockExams(db, learner, at(0)))[0]).toMatchObject({ finished: 1, bestScore: 0 });
		});

		it('章节练习: N questions of a knowledge point and its descendants, untimed; counts are checked', async () => {
			const r = await startChapterPractice(db, { personId: learner, bankId: bank.id, knowledge: 'law', count: 8 }, at(0));
			if (!r.ok) throw new Error(r.reason);
			const a = await findAttempt(db, r.attemptId);
			expect(a).toMatchObject({ mode: 'practice', session_id: null, status: 'in_progress', deadline_at: null });
			const slots = await slotsOf(r.attemptId);
			expect(slots).toHaveLength(8);
			expect(slots.map((s) => s.slot)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
			for (const s of slots) expect(questionOf(bank, s).knowledge).toMatch(/^law\./);
			// grouped by type like an exam paper: single, then multiple, then judge
			const order = slots.map((s) => ['single', 'multiple', 'judge'].indexOf(s.type));
			expect(order).toEqual([...order].sort());

			const all = await startChapterPractice(db, { personId: learner, bankId: bank.id, knowledge: 'law.duty', count: 50 }, at(0));
			if (!all.ok) throw new Error(all.reason);
			expect(await slotsOf(all.attemptId)).toHaveLength(6);
			const whole = await startChapterPractice(db, { personId: learner, bankId: bank.id, knowledge: null, count: 10 }, at(0));
			expect(whole.ok && (await slotsOf(whole.attemptId)).length).toBe(10);

			expect(await startChapterPractice(db, { personId: learner, bankId: bank.id, knowledge: 'law', count: 51 }, at(0))).toMatchObject({ ok: false });
			expect(await startChapterPractice(db, { personId: learner, bankId: bank.id, knowledge: 'law', count: 0 }, at(0))).toMatchObject({ ok: false });
			expect(await startChapterPractice(db, { personId: learner, bankId: bank.id, knowledge: 'la', count: 5 }, at(0))).toEqual({ ok: false, reason: '题库中没有知识点 la。' });
		});

		it('refuses banks and blueprints the learner is not entitled to', async () => {
			const refusedChapter = await startChapterPractice(db, { personId: learner, bankId: closedBank.id, knowledge: null, count: 5 }, at(0));
			expect(refusedChapter).toEqual({ ok: false, reason: '没有这个题库，或它没有向您开放练习。' });
			expect(await startChapterPractice(db, { personId: learner, bankId: 999999, knowledge: null, count: 5 }, at(0))).toMatchObject({ ok: false });
			const mixed = await makePracticeBlueprint(db, institution, [bank.id, closedBank.id]);
			expect((await listMockExams(db, learner, at(0))).map((m) => m.blueprintId)).not.toContain(mixed);
			expect(await startMockExam(db, { personId: learner, blueprintId: mixed }, at(0))).toMatchObject({ ok: false });
			expect(await startWrongAnswerPractice(db, { personId: learner, bankId: closedBank.id }, at(0))).toMatchObject({ ok: false });
			// a principal may not practise a bank for 特种作业人员 either; the owner institution's staff status changes nothing
			expect((await startChapterPractice(db, { personId: specialWorker, bankId: closedBank.id, knowledge: null, count: 5 }, at(0))).ok).toBe(false);
			// an inactive person practises nothing
			const enterprise = (await db.selectFrom('persons').select('org_id').where('id', '=', learner).executeTakeFirstOrThrow()).org_id;
			const gone = await makePerson(db, enterprise, { role: 'frontline' });
			await db.updateTable('persons').set({ active: false }).where('id', '=', gone).execute();
			expect(await startChapterPractice(db, { personId: gone, bankId: bank.id, knowledge: null, count: 5 }, at(0))).toMatchObject({ ok: false });
			const count = await db.selectFrom('exam_attempts').select((eb) => eb.fn.countAll<number>().as('n')).where('person_id', '=', gone).executeTakeFirstOrThrow();
			expect(Number(count.n)).toBe(0);
		});

		it('gives feedback after each answer and refuses changing an answered question; finishing fills the 错题本; a right retry resolves it', async () => {
			const person = await makePerson(db, (await db.selectFrom('persons').select('org_id').where('id', '=', learner).executeTakeFirstOrThrow()).org_id, { role: 'frontline' });
			const r = await startChapterPractice(db, { personId: person, bankId: bank.id, knowledge: 'ops', count: 6 }, at(0));
			if (!r.ok) throw new Error(r.reason);
			const slots = await slotsOf(r.attemptId);
			expect(slots).toHaveLength(6);
			const [s1, s2, s3] = slots as [StoredSlot, StoredSlot, StoredSlot];

			const right = await sync(r.attemptId, person, [{ seq: 1, slot: s1.slot, response: responseFor(questionOf(bank, s1), true), clientAt: null }], at(5));
			expect(right?.saved).toEqual([1]);
			expect(right?.feedback).toEqual([{ slot: s1.slot, correct: true, answer: expect.any(Array), explanation: questionOf(bank, s1).explanation }]);
			const wrong = await sync(r.attemptId, person, [{ seq: 2, slot: s2.slot, response: responseFor(questionOf(bank, s2), false), clientAt: null }], at(6));
			expect(wrong?.feedback?.[0]).toMatchObject({ slot: s2.slot, correct: false });
			expect(wrong?.feedback?.[0]?.answer.length).toBeGreaterThan(0);

			// the key was shown: changing the answer is refused, nothing written
			const change = await sync(r.attemptId, person, [{ seq: 3, slot: s2.slot, response: responseFor(questionOf(bank, s2), true), clientAt: null }], at(7));
			expect(change?.saved).toEqual([]);
			expect(change?.rejected[0]?.error).toContain('练习中不能修改');
			expect(change?.feedback).toEqual([]);
			// a retry of the same seq is acknowledged again (idempotent)
			const retry = await sync(r.attemptId, person, [{ seq: 2, slot: s2.slot, response: responseFor(questionOf(bank, s2), false), clientAt: null }], at(8));
			expect(retry?.saved).toEqual([2]);
			expect(retry?.rejected).toEqual([]);

			await sync(r.attemptId, person, [{ seq: 4, slot: s3.slot, response: responseFor(questionOf(bank, s3), false), clientAt: null }], at(9));
			expect((await submit(r.attemptId, person, at(20)))?.status).toBe('finished');
			const graded = await findAttempt(db, r.attemptId);
			expect(graded).toMatchObject({ status: 'finished', score: '1.00' });

			// the ones answered wrongly are in the 错题本; practice questions never reached are not mistakes
			const book = await getWrongAnswerBook(db, person, at(30));
			const wrongIds = new Set([s2, s3].map((s) => Number(s.questionId)));
			expect(new Set(book.open.map((i) => i.questionId))).toEqual(wrongIds);
			const item = book.open.find((i) => i.questionId === Number(s2.questionId))!;
			expect(item).toMatchObject({ wrongCount: 1, bankId: bank.id, knowledgeCode: 'ops', knowledgeName: '现场管理', retryable: true, keyHiddenReason: null });
			expect(item.myAnswer).toEqual([String(responseFor(questionOf(bank, s2), false))].flatMap((x) => x.split(',')).sort());
			expect(item.explanation).toBe(questionOf(bank, s2).explanation);
			expect(book.open.find((i) => i.questionId === Number(slots[5]!.questionId))).toBeUndefined();

			// 错题重练: those questions, untimed; s2 answered right now, s3 wrong again
			const again = await startWrongAnswerPractice(db, { personId: person }, at(40));
			if (!again.ok) throw new Error(again.reason);
			expect((await findAttempt(db, again.attemptId))?.deadline_at).toBeNull();
			const retrySlots = await slotsOf(again.attemptId);
			expect(new Set(retrySlots.map((s) => Number(s.questionId)))).toEqual(wrongIds);
			const r2 = retrySlots.find((s) => s.questionId === s2.questionId)!;
			const r3 = retrySlots.find((s) => s.questionId === s3.questionId)!;
			await sync(again.attemptId, person, [
				{ seq: 1, slot: r2.slot, response: responseFor(questionOf(bank, r2), true), clientAt: null },
				{ seq: 2, slot: r3.slot, response: responseFor(questionOf(bank, r3), false), clientAt: null }
			], at(45));
			await submit(again.attemptId, person, at(50));
			const after = await getWrongAnswerBook(db, person, at(60));
			expect(after.open.map((i) => i.questionId)).not.toContain(Number(s2.questionId));
			expect(after.mastered.map((i) => i.questionId)).toEqual([Number(s2.questionId)]);
			expect(after.open.find((i) => i.questionId === Number(s3.questionId))?.wrongCount).toBe(2);
			// filters: by bank and by knowledge point
			const filtered = await getWrongAnswerBook(db, person, at(60), { bankId: bank.id, knowledge: 'law' });
			expect(filtered.open.length + filtered.mastered.length).toBe(0);
			// retrying one bank / knowledge point only
			const onlyOps = await startWrongAnswerPractice(db, { personId: person, bankId: bank.id, knowledge: 'ops', count: 2 }, at(70));
			expect(onlyOps.ok && (await slotsOf(onlyOps.attemptId)).length).toBe(1);
			expect(await startWrongAnswerPractice(db, { personId: person, knowledge: 'law' }, at(70))).toEqual({ ok: false, reason: '错题本中没有可重练的题目。' });
		});

		it('never shows practice as exam results, never touches sessions; the 错题本 hides keys an exam does not release and holds back the exam bank during the exam', async () => {
			const f = await makeExamFixture(db, { opensAt: at(0), closesAt: at(7200), candidates: 1, session: { review_policy: 'none' } });
			const person = f.persons[0]!;
			// the fixture's bank is for principal/frontline (codes); close it to practice so keys matter
			await db.updateTable('qb_banks').set({ audience: JSON.stringify([]) }).where('id', '=', f.bank.id).execute();
			await prepareSessionPapers(db, f.sessionId, at(-60));
			const before = await checkSessionAccess(db, f.sessionId, person, at(10));

			// practice on another bank, finished, all right
			const p = await startChapterPractice(db, { personId: person, bankId: bank.id, knowledge: null, count: 3 }, at(1));
			if (!p.ok) throw new Error(p.reason);
			const ps = await slotsOf(p.attemptId);
			await sync(p.attemptId, person, ps.map((s, i) => ({ seq: i + 1, slot: s.slot, response: responseFor(questionOf(bank, s), true), clientAt: null })), at(2));
			await submit(p.attemptId, person, at(3));
			expect((await findAttempt(db, p.attemptId))).toMatchObject({ passed: true, session_id: null, candidate_id: null });

			const after = await checkSessionAccess(db, f.sessionId, person, at(10));
			expect(after?.attemptsUsed).toBe(before?.attemptsUsed);
			expect(after?.eligibility).toEqual(before?.eligibility);
			expect(after?.lastFinishedAttemptId).toBeNull();
			const sessionAttempts = await db.selectFrom('exam_attempts').select(['mode', 'status']).where('session_id', '=', f.sessionId).execute();
			expect(sessionAttempts).toEqual([{ mode: 'exam', status: 'ready' }]);
			// item statistics count exam attempts only
			expect(await computeBankItemStats(db, bank.id, at(4))).toBe(0);
			expect(await db.selectFrom('jobs').select('kind').where('kind', '=', 'item-stats').execute()).toEqual([]);

			// the exam: a wrong answer, while in progress the 错题本 is closed
			const started = await startAttempt(db, { sessionId: f.sessionId, personId: person, userId: 0, accessCode: '', client, identityPhoto: null }, at(10));
			if (!started.ok) throw new Error(started.reasons.join());
			expect((await getWrongAnswerBook(db, person, at(11))).open.filter((i) => i.bankId === f.bank.id)).toEqual([]);
			const es = await slotsOf(started.attemptId);
			const q = f.bank.questions.find((x) => String(x.dbId) === es[0]!.questionId)!;
			await sync(started.attemptId, person, [{ seq: 1, slot: es[0]!.slot, response: responseFor(q, false), clientAt: null }], at(12));
			await submit(started.attemptId, person, at(13));
			const book = await getWrongAnswerBook(db, person, at(14));
			const item = book.open.find((i) => i.questionId === q.dbId)!;
			expect(item).toMatchObject({ key: null, explanation: null, retryable: false, keyHiddenReason: '该考试不公开答案与解析。' });
			expect(JSON.stringify(book)).not.toContain('解析SECRET');
			// a session that shows keys after it closes: hidden until the close, shown after
			await db.updateTable('exam_sessions').set({ review_policy: 'after_close' }).where('id', '=', f.sessionId).execute();
			const beforeClose = await getWrongAnswerBook(db, person, at(7000));
			expect(beforeClose.open.find((i) => i.questionId === q.dbId)).toMatchObject({ key: null, keyHiddenReason: '考试场次结束后可查看答案与解析。' });
			const afterClose = await getWrongAnswerBook(db, person, at(7300));
			expect(afterClose.open.find((i) => i.questionId === q.dbId)).toMatchObject({ key: [...(Array.isArray(q.answer) ? q.answer : [String(q.answer)])].sort(), explanation: q.explanation, keyHiddenReason: null, retryable: false });
			// and it is not retried: practice would show its key
			expect(await startWrongAnswerPractice(db, { personId: person, bankId: f.bank.id }, at(15))).toMatchObject({ ok: false });
		});
	});
}
