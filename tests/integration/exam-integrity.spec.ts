// Exam integrity (issue 11, item 1): while a learner has an exam attempt in progress, or a prepared
// one in a session that is open or opens within LOCK_BEFORE_OPENING_HOURS, no key, explanation or
// question of the banks its paper draws on is served to them — through any practice mode, practice
// feedback (also of a practice started before), review of earlier attempts, the 错题本 or any endpoint.
// Use-case level with a fixed clock, then over HTTP through the built server (npx vite build first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, createTestDatabase, dropPostgresDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser, TEST_PASSWORD } from '../support/factories.ts';
import { makePerson } from '../support/study-factories.ts';
import { makeSession, prepareServerDatabase } from '../support/exam-factories.ts';
import { makePracticeBank, makePracticeBlueprint, responseFor, type PracticeBank } from '../support/practice-factories.ts';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { loadAttemptForCandidate, startAttempt, submitAttempt, syncAttempt, type AnswerInput } from '../../src/lib/server/exams/attempt-service.ts';
import { findAttempt, getPaperSlots } from '../../src/lib/server/exams/exam.repository.ts';
import { findExamLock } from '../../src/lib/server/exams/exam-lock.query.ts';
import { LOCK_BEFORE_OPENING_HOURS } from '../../src/lib/server/exams/exam-lock.ts';
import { startChapterPractice, startMockExam, startWrongAnswerPractice, listMockExams } from '../../src/lib/server/practice/practice-service.ts';
import { getAttemptResult } from '../../src/lib/server/exams/result.query.ts';
import { getWrongAnswerBook } from '../../src/lib/server/practice/wrong-answers.query.ts';

const client = { clientId: 'integrity-tab', ip: '10.0.0.7', userAgent: 'vitest' };
const HOUR = 3600_000;

/** Marks a bank's question stems so a page that serves one can be caught (practice banks share stems). */
async function markStems(db: Db, bank: PracticeBank, mark: string) {
	const ids = bank.questions.map((q) => q.dbId);
	// versions are immutable: a marked version 2 becomes current
	await sql`insert into qb_question_versions (question_id, version, content, content_hash, basis_hashes, origin, created_at)
		select question_id, 2, jsonb_set(content, '{stem}', to_jsonb((content->>'stem') || ${mark}::text)), content_hash || '-marked', basis_hashes, origin, created_at
		from qb_question_versions where version = 1 and question_id in (${sql.join(ids)})`.execute(db);
	await db.updateTable('qb_questions').set({ current_version: 2 }).where('id', 'in', ids).execute();
	for (const q of bank.questions) q.stem = `${q.stem}${mark}`;
}

async function slotsOf(db: Db, attemptId: number) {
	return getPaperSlots(db, (await findAttempt(db, attemptId))!.paper_id);
}

/** Answers every question of an attempt (right or wrong) and submits it. */
async function answerAndSubmit(db: Db, bank: PracticeBank, attemptId: number, personId: number, right: boolean, at: Date) {
	const slots = await slotsOf(db, attemptId);
	const answers: AnswerInput[] = slots.map((s, i) => ({ seq: i + 1, slot: s.slot, response: responseFor(bank.byId.get(s.questionId)!, right), clientAt: null }));
	await syncAttempt(db, { attemptId, personId, client, answers, events: [], acknowledge: [] }, at);
	await submitAttempt(db, { attemptId, personId, client, answers: [], events: [] }, at);
}

for (const backend of BACKENDS) {
	describe(`which banks an exam locks, and every use case asking (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let institution: number;
		let enterprise: number;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			institution = await makeOrg(db, 'institution');
			enterprise = await makeOrg(db, 'enterprise');
		});
		afterAll(async () => t?.close());

		it(`locks the paper's banks from ${LOCK_BEFORE_OPENING_HOURS} h before the window opens, while in progress, and no longer after the finish`, async () => {
			const T = Date.parse('2026-12-01T01:00:00Z');
			const at = (h: number) => new Date(T + h * HOUR);
			const onPaper = await makePracticeBank(db, { audience: ['frontline'] });
			const other = await makePracticeBank(db, { audience: ['frontline'] });
			const blueprint = await makePracticeBlueprint(db, institution, [onPaper.id]);
			const person = await makePerson(db, enterprise, { role: 'frontline' });
			const session = await makeSession(db, { ownerOrgId: institution, blueprintId: blueprint, personIds: [person], name: '锁定测试场次', opensAt: at(24), closesAt: at(27) });

			expect((await findExamLock(db, person, at(-1))).bankIds.size).toBe(0); // opens in 25 h
			const ready = await findExamLock(db, person, at(0.5)); // opens in 23.5 h
			expect([...ready.bankIds]).toEqual([onPaper.id]);
			expect(ready.sessions).toEqual(['锁定测试场次']);
			expect((await startChapterPractice(db, { personId: person, bankId: onPaper.id, knowledge: null, count: 3 }, at(0.5))).ok).toBe(false);
			expect((await startChapterPractice(db, { personId: person, bankId: other.id, knowledge: null, count: 3 }, at(0.5))).ok).toBe(true);

			const started = await startAttempt(db, { sessionId: session, personId: person, userId: 0, accessCode: '', client, identityPhoto: null }, at(24.1));
			if (!started.ok) throw new Error(started.reasons.join());
			expect([...(await findExamLock(db, person, at(24.5))).bankIds]).toEqual([onPaper.id]);
			await submitAttempt(db, { attemptId: started.attemptId, personId: person, client, answers: [], events: [] }, at(24.6));
			expect((await findExamLock(db, person, at(24.7))).bankIds.size).toBe(0);
			expect((await startChapterPractice(db, { personId: person, bankId: onPaper.id, knowledge: null, count: 3 }, at(24.7))).ok).toBe(true);

			// a cancelled session locks nothing; an attempt left in progress past its deadline + grace neither
			const second = await makePerson(db, enterprise, { role: 'frontline' });
			const cancelled = await makeSession(db, { ownerOrgId: institution, blueprintId: blueprint, personIds: [second], opensAt: at(30), closesAt: at(33) });
			expect((await findExamLock(db, second, at(29))).bankIds.size).toBe(1);
			await db.updateTable('exam_sessions').set({ status: 'cancelled' }).where('id', '=', cancelled).execute();
			expect((await findExamLock(db, second, at(29))).bankIds.size).toBe(0);
			const third = await makePerson(db, enterprise, { role: 'frontline' });
			const late = await makeSession(db, { ownerOrgId: institution, blueprintId: blueprint, personIds: [third], opensAt: at(40), closesAt: at(43) });
			const s3 = await startAttempt(db, { sessionId: late, personId: third, userId: 0, accessCode: '', client, identityPhoto: null }, at(40));
			if (!s3.ok) throw new Error(s3.reasons.join());
			expect((await findExamLock(db, third, at(40.4))).bankIds.size).toBe(1); // 30-minute paper
			expect((await findExamLock(db, third, at(40.6))).bankIds.size).toBe(0); // past deadline + grace: no answer is taken
		});

		it('locks the platform bank a paper\'s bank was derived from, and the other banks derived from it (they hold copies of the same questions)', async () => {
			const T = Date.parse('2026-12-02T01:00:00Z');
			const at = (h: number) => new Date(T + h * HOUR);
			const platform = await makePracticeBank(db, { audience: ['frontline'] });
			const derived = await makePracticeBank(db, { audience: ['frontline'] });
			const sibling = await makePracticeBank(db, { audience: ['frontline'] });
			const unrelated = await makePracticeBank(db, { audience: ['frontline'] });
			await db.updateTable('qb_banks').set({ derived_from_bank_id: platform.id }).where('id', 'in', [derived.id, sibling.id]).execute();
			const blueprint = await makePracticeBlueprint(db, institution, [derived.id]);
			const person = await makePerson(db, enterprise, { role: 'frontline' });
			await makeSession(db, { ownerOrgId: institution, blueprintId: blueprint, personIds: [person], opensAt: at(1), closesAt: at(4) });
			const lock = await findExamLock(db, person, at(0));
			expect([...lock.bankIds].sort((a, b) => a - b)).toEqual([platform.id, derived.id, sibling.id].sort((a, b) => a - b));
			expect((await startChapterPractice(db, { personId: person, bankId: platform.id, knowledge: null, count: 3 }, at(0))).ok).toBe(false);
			expect((await startChapterPractice(db, { personId: person, bankId: unrelated.id, knowledge: null, count: 3 }, at(0))).ok).toBe(true);
		});

		it('refuses every practice mode, practice feedback, review and the 错题本 on a locked bank, with the reason', async () => {
			const T = Date.parse('2026-12-02T01:00:00Z');
			const at = (h: number) => new Date(T + h * HOUR);
			const bank = await makePracticeBank(db, { audience: ['frontline'] });
			const free = await makePracticeBank(db, { audience: ['frontline'] });
			const blueprint = await makePracticeBlueprint(db, institution, [bank.id], { name: '考试与模拟共用组卷' });
			const person = await makePerson(db, enterprise, { role: 'frontline' });

			// before any exam: an earlier exam (closed, review after close), a finished practice with
			// wrong answers, and a practice left open
			const earlier = await makeSession(db, { ownerOrgId: institution, blueprintId: blueprint, personIds: [person], name: '上次考试', opensAt: at(-5), closesAt: at(-3), reviewPolicy: 'after_close' });
			const e = await startAttempt(db, { sessionId: earlier, personId: person, userId: 0, accessCode: '', client, identityPhoto: null }, at(-4.5));
			if (!e.ok) throw new Error(e.reasons.join());
			await answerAndSubmit(db, bank, e.attemptId, person, false, at(-4));
			const done = await startChapterPractice(db, { personId: person, bankId: bank.id, knowledge: null, count: 4 }, at(-2));
			if (!done.ok) throw new Error(done.reason);
			await answerAndSubmit(db, bank, done.attemptId, person, false, at(-2));
			const open = await startChapterPractice(db, { personId: person, bankId: bank.id, knowledge: null, count: 4 }, at(-1));
			if (!open.ok) throw new Error(open.reason);
			const openSlots = await slotsOf(db, open.attemptId);
			const first = await syncAttempt(db, { attemptId: open.attemptId, personId: person, client, answers: [{ seq: 1, slot: openSlots[0]!.slot, response: responseFor(bank.byId.get(openSlots[0]!.questionId)!, true), clientAt: null }], events: [], acknowledge: [] }, at(-1));
			expect(first?.feedback?.[0]?.explanation).toMatch(/^练习解析-/); // the control: practice does show keys
			expect((await getAttemptResult(db, e.attemptId, person, at(-1)))?.review.length).toBeGreaterThan(0);
			expect((await getWrongAnswerBook(db, person, at(-1))).open.some((i) => i.bankId === bank.id && i.explanation)).toBe(true);

			// now a session on the bank opens, with a prepared paper
			await makeSession(db, { ownerOrgId: institution, blueprintId: blueprint, personIds: [person], name: '本次考试', opensAt: at(-0.5), closesAt: at(3) });
			const now = at(0);
			const reason = '你有正在进行或即将开始的考试（本次考试），考试结束前不能练习或查看该题库的题目与解析。';
			expect(await startMockExam(db, { personId: person, blueprintId: blueprint }, now)).toEqual({ ok: false, reason });
			expect(await startChapterPractice(db, { personId: person, bankId: bank.id, knowledge: null, count: 3 }, now)).toEqual({ ok: false, reason });
			expect(await startWrongAnswerPractice(db, { personId: person, bankId: bank.id }, now)).toEqual({ ok: false, reason });
			expect(await startWrongAnswerPractice(db, { personId: person }, now)).toEqual({ ok: false, reason });
			expect((await listMockExams(db, person, now)).find((m) => m.blueprintId === blueprint)?.unavailable).toBe(reason);
			expect(await loadAttemptForCandidate(db, open.attemptId, person, client, now)).toEqual({ status: 'refused', reason });
			const later = await syncAttempt(db, { attemptId: open.attemptId, personId: person, client, answers: [{ seq: 2, slot: openSlots[1]!.slot, response: responseFor(bank.byId.get(openSlots[1]!.questionId)!, true), clientAt: null }], events: [], acknowledge: [] }, now);
			expect(later).toMatchObject({ saved: [], rejected: [{ seq: 2, slot: openSlots[1]!.slot, error: reason }], feedback: [] });
			// a retry of the answer stored before the lock gets no feedback either
			const retry = await syncAttempt(db, { attemptId: open.attemptId, personId: person, client, answers: [{ seq: 1, slot: openSlots[0]!.slot, response: responseFor(bank.byId.get(openSlots[0]!.questionId)!, true), clientAt: null }], events: [], acknowledge: [] }, now);
			expect(retry?.feedback ?? []).toEqual([]);
			for (const attemptId of [e.attemptId, done.attemptId]) {
				const r = await getAttemptResult(db, attemptId, person, now);
				expect(r).toMatchObject({ review: [], reviewLocked: reason, show: 'score' });
			}
			const book = await getWrongAnswerBook(db, person, now);
			expect(book.open.concat(book.mastered).filter((i) => i.bankId === bank.id)).toEqual([]);
			expect(book.lockMessage).toBe(reason);
			// a bank not on the paper stays practisable
			const elsewhere = await startChapterPractice(db, { personId: person, bankId: free.id, knowledge: null, count: 2 }, now);
			expect(elsewhere.ok).toBe(true);
		});
	});

	const built = hasBuild(import.meta.url);
	describe.skipIf(!built)(`harvesting keys over HTTP while an exam is ready and in progress (built server, ${backend})`, () => {
		let server: RunningServer;
		let dbUrl: string | null = null;
		let learner: Client;
		let world: {
			mobile: string;
			bank: PracticeBank;
			free: PracticeBank;
			blueprint: number;
			sessionId: number;
			earlierSessionId: number;
			earlierAttempt: number;
			donePractice: number;
			openPractice: number;
			openSlots: { slot: number; questionId: string }[];
		};
		const CLIENT = 'integrity-http-client';
		const checked: string[] = [];

		const api = (path: string, body?: unknown) =>
			learner.request(path, body === undefined ? { headers: { accept: 'application/json' } } : { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json' } });

		/** Fails on a single explanation or (marked) stem of the locked bank, or a key field in JSON. */
		function assertNothingOfBank(label: string, text: string, opts: { stemsAllowed?: boolean } = {}) {
			checked.push(label);
			for (const q of world.bank.questions) {
				expect(text, `${label}: explanation of ${q.id}`).not.toContain(q.explanation);
				if (!opts.stemsAllowed) expect(text, `${label}: stem of ${q.id}`).not.toContain(q.stem);
			}
			expect(text, `${label}: 正确答案`).not.toContain('正确答案');
			try {
				const body = JSON.parse(text) as Record<string, unknown>;
				expect(Array.isArray(body.feedback) ? body.feedback : [], `${label}: feedback`).toEqual([]);
				expect(JSON.stringify(body), label).not.toMatch(/"(answer|explanation|key|keyAnswer)"\s*:/);
			} catch (err) {
				if (!(err instanceof SyntaxError)) throw err;
				expect(text, label).not.toMatch(/(keyAnswer|explanation)"?\s*:\s*"[^"]/);
			}
		}

		/** Every page, form and endpoint that could serve a question, key or explanation to the learner. */
		async function harvest(phase: string, examAttemptId: number | null) {
			const get = async (path: string) => {
				const r = await learner.get(path);
				expect(r.status, `${phase} GET ${path}`).toBeLessThan(500);
				assertNothingOfBank(`${phase} GET ${path}`, await r.text());
				return r;
			};
			const post = async (path: string, form: Record<string, string>) => {
				const r = await learner.post(path, form);
				expect(r.status, `${phase} POST ${path}`).toBe(400); // refused, no redirect into a practice
				const text = await r.text();
				expect(text, `${phase} POST ${path}: the reason`).toContain('考试结束前不能练习或查看该题库的题目与解析');
				assertNothingOfBank(`${phase} POST ${path}`, text);
			};
			for (const path of [
				'/learner',
				'/learner/practice',
				`/learner/practice?bank=${world.bank.id}`,
				'/learner/wrong-answers',
				`/learner/wrong-answers?bank=${world.bank.id}`,
				'/learner/wrong-answers?view=mastered',
				'/learner/exams',
				`/learner/exams/${world.sessionId}`,
				`/learner/exams/${world.earlierSessionId}`,
				`/learner/exams/attempts/${world.earlierAttempt}/result`,
				`/learner/exams/attempts/${world.donePractice}/result`,
				`/learner/exams/attempts/${world.openPractice}`,
				`/learner/exams/attempts/${world.openPractice}/result`,
				'/learner/archive'
			])
				await get(path);
			const page = await (await learner.get(`/learner/exams/attempts/${world.earlierAttempt}/result`)).text();
			expect(page).toContain('考试结束前不能练习或查看该题库的题目与解析');
			expect(await (await learner.get('/learner/practice')).text()).toContain('考试结束前不能练习或查看该题库的题目与解析');

			await post('/learner/practice?/mock', { blueprintId: String(world.blueprint) });
			await post('/learner/practice?/chapter', { bankId: String(world.bank.id), knowledge: '', count: '10' });
			await post('/learner/practice?/chapter', { bankId: String(world.bank.id), knowledge: 'law', count: '50' });
			await post('/learner/wrong-answers?/retry', { bankId: String(world.bank.id), knowledge: '' });
			await post('/learner/wrong-answers?/retry', { bankId: '', knowledge: '' });

			// the practice started before the exam: no paper, no feedback, whatever is sent
			const view = await api(`/api/exam/attempts/${world.openPractice}?clientId=${CLIENT}`);
			const viewText = await view.text();
			assertNothingOfBank(`${phase} GET practice attempt`, viewText);
			expect(JSON.parse(viewText)).toMatchObject({ status: 'refused' });
			for (const [i, s] of world.openSlots.entries()) {
				const q = world.bank.byId.get(s.questionId)!;
				for (const right of [true, false]) {
					const r = await api(`/api/exam/attempts/${world.openPractice}/sync`, { clientId: CLIENT, answers: [{ seq: 10 + i * 2 + (right ? 0 : 1), slot: s.slot, response: responseFor(q, right) }], events: [], ack: [] });
					expect(r.status).toBeLessThan(500);
					assertNothingOfBank(`${phase} sync practice slot ${s.slot}`, await r.text());
				}
			}
			// the exam itself: its paper (stems allowed: it is the exam) and autosave, never a key
			if (examAttemptId) {
				const v = await api(`/api/exam/attempts/${examAttemptId}?clientId=${CLIENT}`);
				const text = await v.text();
				assertNothingOfBank(`${phase} GET exam attempt`, text, { stemsAllowed: true });
				const paper = JSON.parse(text) as { questions: { slot: number }[] };
				const r = await api(`/api/exam/attempts/${examAttemptId}/sync`, { clientId: CLIENT, answers: [{ seq: 1, slot: paper.questions[0]!.slot, response: null }], events: [], ack: [] });
				assertNothingOfBank(`${phase} sync exam`, await r.text(), { stemsAllowed: true });
			}
			// a bank not on the paper stays practisable, with its feedback
			const r = await learner.post('/learner/practice?/chapter', { bankId: String(world.free.id), knowledge: '', count: '1' });
			expect(r.status).toBe(303);
			const freeAttempt = Number(/attempts\/(\d+)/.exec(r.headers.get('location') ?? '')![1]);
			const paper = (await (await api(`/api/exam/attempts/${freeAttempt}?clientId=${CLIENT}`)).json()) as { questions: { slot: number; type: string }[] };
			const slot = paper.questions[0]!;
			const answer = slot.type === 'judge' ? true : slot.type === 'multiple' ? ['A'] : 'A';
			const fb = (await (await api(`/api/exam/attempts/${freeAttempt}/sync`, { clientId: CLIENT, answers: [{ seq: 1, slot: slot.slot, response: answer }], events: [], ack: [] })).json()) as { feedback: { explanation: string }[] };
			expect(fb.feedback[0]?.explanation).toContain(world.free.code);
		}

		beforeAll(async () => {
			const prepared = await prepareServerDatabase(backend, async (db) => {
				const institution = await makeOrg(db, 'institution');
				const enterprise = await makeOrg(db, 'enterprise');
				const bank = await makePracticeBank(db, { audience: ['一线从业人员'] });
				await markStems(db, bank, '【锁定题库】');
				const free = await makePracticeBank(db, { audience: ['一线从业人员'] });
				const blueprint = await makePracticeBlueprint(db, institution, [bank.id], { name: '考试与模拟共用组卷' });
				const person = await makePerson(db, enterprise, { role: 'frontline' });
				const user = await makeUser(db, { role: 'learner', orgId: enterprise });
				await db.updateTable('users').set({ person_id: person }).where('id', '=', user.id).execute();
				const now = Date.now();
				const at = (h: number) => new Date(now + h * HOUR);
				const earlierSessionId = await makeSession(db, { ownerOrgId: institution, blueprintId: blueprint, personIds: [person], name: '上次考试', opensAt: at(-5), closesAt: at(-3), reviewPolicy: 'after_close' });
				const e = await startAttempt(db, { sessionId: earlierSessionId, personId: person, userId: user.id, accessCode: '', client, identityPhoto: null }, at(-4.5));
				if (!e.ok) throw new Error(e.reasons.join());
				await answerAndSubmit(db, bank, e.attemptId, person, false, at(-4));
				const done = await startChapterPractice(db, { personId: person, bankId: bank.id, knowledge: null, count: 5 }, at(-2));
				if (!done.ok) throw new Error(done.reason);
				await answerAndSubmit(db, bank, done.attemptId, person, false, at(-2));
				const open = await startChapterPractice(db, { personId: person, bankId: bank.id, knowledge: null, count: 18 }, at(-1));
				if (!open.ok) throw new Error(open.reason);
				const openSlots = (await slotsOf(db, open.attemptId)).map((s) => ({ slot: s.slot, questionId: s.questionId }));
				// the session of this test: open now, papers prepared (ready)
				const sessionId = await makeSession(db, { ownerOrgId: institution, blueprintId: blueprint, personIds: [person], name: '本次考试', opensAt: at(-0.5), closesAt: at(3), reviewPolicy: 'after_close' });
				return { mobile: user.mobile, bank, free, blueprint, sessionId, earlierSessionId, earlierAttempt: e.attemptId, donePractice: done.attemptId, openPractice: open.attemptId, openSlots };
			});
			dbUrl = prepared.url;
			world = prepared.value;
			server = await startServer(prepared.env);
			learner = new Client(server.url);
			await learner.login(world.mobile, TEST_PASSWORD);
		}, 180_000);

		afterAll(async () => {
			await server?.stop();
			if (dbUrl) await dropPostgresDatabase(dbUrl);
		});

		it('serves nothing of the bank while the attempt is ready, nor while it is in progress; afterwards practice and review work again', async () => {
			await harvest('ready', null);

			const start = await api(`/api/exam/sessions/${world.sessionId}/start`, { clientId: CLIENT });
			expect(start.status).toBe(200);
			const { attemptId } = (await start.json()) as { attemptId: number };
			await harvest('in progress', attemptId);
			// submitting the locked practice finishes it; its result stays closed
			const sub = await api(`/api/exam/attempts/${world.openPractice}/submit`, { clientId: CLIENT, answers: [], events: [] });
			assertNothingOfBank('in progress: submit practice', await sub.text());
			assertNothingOfBank('in progress: result of the submitted practice', await (await learner.get(`/learner/exams/attempts/${world.openPractice}/result`)).text());
			expect(checked.length).toBeGreaterThan(60);

			// the exam finishes: the same places serve the bank again (the control: the harvest can see a key)
			expect((await api(`/api/exam/attempts/${attemptId}/submit`, { clientId: CLIENT, answers: [], events: [] })).status).toBe(200);
			const review = await (await learner.get(`/learner/exams/attempts/${world.earlierAttempt}/result`)).text();
			expect(world.bank.questions.some((q) => review.includes(q.explanation))).toBe(true);
			const book = await (await learner.get('/learner/wrong-answers')).text();
			expect(world.bank.questions.some((q) => book.includes(q.explanation))).toBe(true);
			const again = await learner.post('/learner/practice?/chapter', { bankId: String(world.bank.id), knowledge: '', count: '1' });
			expect(again.status).toBe(303);
		});
	});
}
