import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeExamBank, makeExamFixture, type ExamFixture } from '../support/exam-engine-fixture.ts';
import { makeOrg, makeUser, validIdNumber } from '../support/factories.ts';
import { makePerson } from '../support/study-factories.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { newBlueprintValues, saveBlueprint } from '../../src/lib/server/exams/blueprint-service.ts';
import type { ScopedActor } from '../../src/lib/server/audit/actor.ts';
import { addCandidatesByIdNumbers, createSession, defaultAttempts, prepareSessionPapersNow, removeCandidate } from '../../src/lib/server/exams/session-service.ts';
import { sessionFormSchema, type BlueprintFormValues } from '../../src/lib/schemas/exam-admin.ts';
import { startAttempt, submitAttempt, syncAttempt } from '../../src/lib/server/exams/attempt-service.ts';
import { canProctorSession, decideAttempt, extendAttempt, proctoredSessionOfAttempt, terminateAttempt, warnCandidate } from '../../src/lib/server/proctoring/proctor-service.ts';
import { findSession } from '../../src/lib/server/exams/session.repository.ts';
import { findAttempt, getPaperSlots } from '../../src/lib/server/exams/exam.repository.ts';
import { sessionConsole, attemptTimeline } from '../../src/lib/server/proctoring/console.query.ts';
import { sessionResults, buildResultsXlsx, RESULTS_SHEET } from '../../src/lib/server/exams/results.query.ts';
import { bankItemStats, requestItemStats } from '../../src/lib/server/exams/item-analysis.query.ts';
import { runWorkerOnce } from '../../src/lib/server/jobs/worker.ts';
import ExcelJS from 'exceljs';
import { rosterPasteSchema } from '../../src/lib/schemas/exam-admin.ts';
import { insertPersons } from '../../src/lib/server/people/people.repository.ts';
import { idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';

const T0 = Date.parse('2026-11-20T02:00:00Z');
const at = (s: number) => new Date(T0 + s * 1000);
const client = { clientId: 'admin-spec-1', ip: '10.0.0.9', userAgent: 'vitest' };

function sessionInput(blueprintId: number, over: Record<string, unknown> = {}) {
	return sessionFormSchema.parse({
		name: '测试场次',
		blueprintId: String(blueprintId),
		mode: 'online',
		opensAt: '2026-12-01T09:00',
		closesAt: '2026-12-01T12:00',
		paperMode: 'per_candidate',
		maxAttempts: 'default',
		reviewPolicy: 'after_close',
		allowNewDevice: 'on',
		...over
	});
}

for (const backend of BACKENDS) {
	describe(`institution exam administration (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		let orgId: number;
		let admin: ScopedActor;
		let bankId: number;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			orgId = await makeOrg(db, 'institution');
			const u = await makeUser(db, { role: 'institution_admin', orgId });
			admin = { userId: u.id, role: 'institution_admin', orgId, personId: null, ip: '10.0.0.1' };
			bankId = (await makeExamBank(db, orgId, 6)).id;
		});
		afterAll(async () => t?.close());

		const values = (over: Partial<BlueprintFormValues> = {}): BlueprintFormValues => ({
			...newBlueprintValues('training'),
			name: '单元测试组卷',
			bankIds: [bankId],
			sections: [
				{ title: '', type: 'single', count: '4', points: '10', knowledge: '', dmin: '', dmax: '', dbasis: '' },
				{ title: '', type: 'multiple', count: '2', points: '20', knowledge: '', dmin: '', dmax: '', dbasis: '' },
				{ title: '', type: 'judge', count: '4', points: '5', knowledge: '', dmin: '', dmax: '', dbasis: '' }
			],
			totalPoints: '100',
			passMark: '80',
			...over
		});

		it('refuses a blueprint whose pool is too small or whose pass mark exceeds the total, naming each problem', async () => {
			const small = await saveBlueprint(db, admin, null, values({ sections: [{ title: '', type: 'single', count: '10', points: '10', knowledge: '', dmin: '', dmax: '', dbasis: '' }] }), at(0));
			expect(small.ok).toBe(false);
			if (small.ok) return;
			expect(small.problems.join('\n')).toContain('第1部分：单选题只有 6 道，需要 10 道');
			expect(small.supply).toEqual([{ section: 1, description: '单选题', available: 6, needed: 10 }]);

			const pass = await saveBlueprint(db, admin, null, values({ passMark: '120' }), at(0));
			expect(pass.ok).toBe(false);
			if (!pass.ok) expect(pass.problems).toContain('合格分数 120 不能高于总分 100');

			const narrow = await saveBlueprint(db, admin, null, values({ sections: [{ title: '', type: 'judge', count: '4', points: '25', knowledge: 'law', dmin: '2', dmax: '3', dbasis: '' }] }), at(0));
			expect(narrow.ok).toBe(false);
			if (!narrow.ok) expect(narrow.problems.join()).toMatch(/知识点 law、难度 2–3 的判断题只有 \d 道，需要 4 道/);

			const foreignBank = (await makeExamBank(db, await makeOrg(db, 'institution'), 6)).id;
			const foreign = await saveBlueprint(db, admin, null, values({ bankIds: [foreignBank] }), at(0));
			expect(foreign.ok).toBe(false);
			if (!foreign.ok) expect(foreign.problems).toContain('所选题库不存在或不可用');

			const good = await saveBlueprint(db, admin, null, values(), at(0));
			expect(good.ok).toBe(true);
			const audit = await db.selectFrom('audit_log').select(['action']).where('action', '=', 'exam.blueprint_create').execute();
			expect(audit).toHaveLength(1);
		});

		it('defaults attempts from the 补考 rule in force on the opening day (before/after 2026-06-01)', async () => {
			expect(defaultAttempts('special_work', 'theory', new Date('2026-05-31T15:59:00Z')).maxAttempts).toBe(2); // 2026-05-31 23:59 CST
			expect(defaultAttempts('special_work', 'theory', new Date('2026-05-31T16:00:00Z')).maxAttempts).toBe(null); // 2026-06-01 00:00 CST
			expect(defaultAttempts('special_work', 'practical', new Date('2026-07-01T00:00:00Z')).maxAttempts).toBe(5);
			expect(defaultAttempts('principal_or_safety_manager', 'theory', new Date('2026-07-01T00:00:00Z')).explanation).toContain('第十条');

			const bp = await saveBlueprint(db, admin, null, values({ certificateType: 'special_work', name: '特种作业理论' }), at(0));
			if (!bp.ok) throw new Error(bp.problems.join());
			const before = await createSession(db, admin, sessionInput(bp.blueprintId, { opensAt: '2026-05-20T09:00', closesAt: '2026-05-20T11:00' }), at(0));
			const after = await createSession(db, admin, sessionInput(bp.blueprintId, { opensAt: '2026-06-02T09:00', closesAt: '2026-06-02T11:00' }), at(0));
			const explicit = await createSession(db, admin, sessionInput(bp.blueprintId, { maxAttempts: '3' }), at(0));
			if (!before.ok || !after.ok || !explicit.ok) throw new Error('session not created');
			expect((await findSession(db, before.sessionId))?.max_attempts).toBe(2);
			expect((await findSession(db, after.sessionId))?.max_attempts).toBe(null);
			expect((await findSession(db, explicit.sessionId))?.max_attempts).toBe(3);
			const s = await findSession(db, before.sessionId);
			expect(s?.opens_at.toISOString()).toBe('2026-05-20T01:00:00.000Z');
			const job = await db.selectFrom('jobs').select(['kind', 'dedupe_key']).where('dedupe_key', '=', `session:${before.sessionId}`).executeTakeFirst();
			expect(job).toEqual({ kind: 'prepare-papers', dedupe_key: `session:${before.sessionId}` });
			// another institution's blueprint cannot be used
			const other: ScopedActor = { ...admin, orgId: await makeOrg(db, 'institution') };
			const refused = await createSession(db, other, sessionInput(bp.blueprintId), at(0));
			expect(refused).toEqual({ ok: false, errors: { blueprintId: '组卷策略不存在' } });
			expect(sessionFormSchema.safeParse({ ...sessionInput(bp.blueprintId), opensAt: '2026-12-01T12:00', closesAt: '2026-12-01T09:00' }).success).toBe(false);
		});

		it('adds candidates by pasted 身份证号 all or nothing, with line numbers, and prepares papers idempotently', async () => {
			const bp = await saveBlueprint(db, admin, null, values({ name: '名单测试' }), at(0));
			if (!bp.ok) throw new Error(bp.problems.join());
			const s = await createSession(db, admin, sessionInput(bp.blueprintId), at(0));
			if (!s.ok) throw new Error('no session');
			const enterprise = await makeOrg(db, 'enterprise');
			const people = [];
			for (let i = 0; i < 3; i++) {
				const id = await makePerson(db, enterprise, { role: 'frontline' });
				people.push((await db.selectFrom('persons').select(['id', 'id_number']).where('id', '=', id).executeTakeFirstOrThrow()));
			}
			const unknown = validIdNumber('500101', '19880808');
			const bad = await addCandidatesByIdNumbers(db, admin, s.sessionId, `${people[0]!.id_number}\n\n12345\n${unknown}\n${people[1]!.id_number}`, at(1));
			expect(bad.ok).toBe(false);
			if (!bad.ok) {
				expect(bad.errors).toHaveLength(2);
				expect(bad.errors[0]).toMatch(/^第 3 行：身份证号应为18位/);
				expect(bad.errors[1]).toMatch(/^第 4 行：平台上没有身份证号为/);
			}
			expect(await db.selectFrom('exam_candidates').select('id').where('session_id', '=', s.sessionId).execute()).toHaveLength(0);

			const good = await addCandidatesByIdNumbers(db, admin, s.sessionId, people.map((p) => ` ${p.id_number.toLowerCase()} `).join('\r\n'), at(2));
			expect(good).toEqual({ ok: true, added: 3, alreadyOnRoster: 0 });
			const again = await addCandidatesByIdNumbers(db, admin, s.sessionId, people[0]!.id_number, at(3));
			expect(again).toEqual({ ok: true, added: 0, alreadyOnRoster: 1 });

			const first = await prepareSessionPapersNow(db, admin, s.sessionId, at(4));
			expect(first).toEqual({ ok: true, prepared: 3, waiting: 3 });
			const second = await prepareSessionPapersNow(db, admin, s.sessionId, at(5));
			expect(second).toEqual({ ok: true, prepared: 0, waiting: 3 });
			// the queued job finds nothing left to do
			await runWorkerOnce(db, () => at(6));
			const ready = await db.selectFrom('exam_attempts').select(['candidate_id', 'paper_id', 'status']).where('session_id', '=', s.sessionId).execute();
			expect(ready).toHaveLength(3);
			expect(new Set(ready.map((r) => r.candidate_id)).size).toBe(3);
			expect(ready.every((r) => r.status === 'ready')).toBe(true);
			for (const r of ready) {
				const slots = await getPaperSlots(db, r.paper_id);
				expect(slots).toHaveLength(10);
				expect(slots.every((x) => typeof x.version === 'number' && x.version >= 1)).toBe(true);
			}
			// removing a candidate who has not started removes the waiting paper too
			const cand = await db.selectFrom('exam_candidates').select('id').where('session_id', '=', s.sessionId).orderBy('id').executeTakeFirstOrThrow();
			expect(await removeCandidate(db, admin, s.sessionId, cand.id, at(7))).toEqual({ ok: true });
			expect(await db.selectFrom('exam_attempts').select('id').where('session_id', '=', s.sessionId).execute()).toHaveLength(2);
			const actions = await db.selectFrom('audit_log').select('action').where('target', '=', `exam_session:${s.sessionId}`).execute();
			expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['exam.session_create', 'exam.roster_add', 'exam.papers_prepare', 'exam.roster_remove']));
		});

		it('takes a roster paste at its documented maximum (~2,000 身份证号) and prepares one paper per candidate in bulk', async () => {
			const bp = await saveBlueprint(db, admin, null, values({ name: '大名单' }), at(0));
			if (!bp.ok) throw new Error(bp.problems.join());
			const s = await createSession(db, admin, sessionInput(bp.blueprintId), at(0));
			if (!s.ok) throw new Error('no session');
			const enterprise = await makeOrg(db, 'enterprise');
			const ids = Array.from({ length: 2_100 }, (_, i) => {
				const first17 = `500113${19800101 + Math.floor(i / 900)}${String(100 + (i % 900))}`;
				return first17 + idNumberCheckChar(first17);
			});
			await insertPersons(db, enterprise, ids.map((idNumber, i) => ({ name: `考生${i}`, idNumber, mobile: `136${String(i).padStart(8, '0')}`, roleCategory: 'frontline', specialOperationCode: null, position: null, hiredOn: null })), at(0));
			const paste = ids.join('\n');
			// the largest paste the form accepts (40,000 characters)
			expect(paste.length).toBeLessThanOrEqual(40_000);
			expect(rosterPasteSchema.safeParse({ idNumbers: paste }).success).toBe(true);
			expect(await addCandidatesByIdNumbers(db, admin, s.sessionId, paste, at(1))).toEqual({ ok: true, added: 2_100, alreadyOnRoster: 0 });
			const started = performance.now();
			expect(await prepareSessionPapersNow(db, admin, s.sessionId, at(2))).toEqual({ ok: true, prepared: 2_100, waiting: 2_100 });
			console.log(`[${backend}] 2,100 papers prepared in ${Math.round(performance.now() - started)} ms`);
			const attempts = await db.selectFrom('exam_attempts as a').innerJoin('exam_papers as p', 'p.id', 'a.paper_id').select(['a.person_id', 'p.seed']).where('a.session_id', '=', s.sessionId).execute();
			expect(attempts).toHaveLength(2_100);
			// each candidate sits their own paper, drawn from their own seed
			for (const a of attempts) expect(a.seed).toBe(`session:${s.sessionId}:person:${a.person_id}:1`);
		}, 120_000);

		describe('proctoring', () => {
			let f: ExamFixture;
			let examiner: { id: number };
			let examinerActor: ScopedActor;
			beforeAll(async () => {
				f = await makeExamFixture(db, { opensAt: at(0), closesAt: at(7200), candidates: 3 });
				examiner = await makeUser(db, { role: 'examiner', orgId: f.institutionId });
				await db.insertInto('exam_session_examiners').values({ session_id: f.sessionId, user_id: examiner.id }).execute();
				examinerActor = { userId: examiner.id, role: 'examiner', orgId: f.institutionId, personId: null, ip: '10.1.1.1' };
			});
			const start = async (person: number) => {
				const r = await startAttempt(db, { sessionId: f.sessionId, personId: person, userId: 0, accessCode: '', client, identityPhoto: null }, at(10));
				if (!r.ok) throw new Error(r.reasons.join());
				return r.attemptId;
			};

			it('warns (seen by the candidate), extends the deadline, terminates and records the decision, all audited', async () => {
				const [p1, p2] = f.persons as [number, number];
				const a1 = await start(p1);
				const a2 = await start(p2);
				expect(await warnCandidate(db, a1, '请勿离开考试页面', examinerActor, at(20))).toEqual({ ok: true });
				const sync = await syncAttempt(db, { attemptId: a1, personId: p1, client, answers: [], events: [{ kind: 'page_hidden', at: at(21) }], acknowledge: [] }, at(22));
				expect(sync?.warnings.map((w) => w.message)).toEqual(['请勿离开考试页面']);

				const before = (await findAttempt(db, a1))!.deadline_at!;
				expect(await extendAttempt(db, a1, 10, '网络故障补时', examinerActor, at(30))).toEqual({ ok: true });
				expect((await findAttempt(db, a1))!.deadline_at!.getTime()).toBe(before.getTime() + 600_000);

				const rows = await sessionConsole(db, { id: f.sessionId, require_fullscreen: false }, at(40));
				const row1 = rows.find((r) => r.attemptId === a1)!;
				expect(row1.status).toBe('in_progress');
				expect(row1.total).toBe(10);
				expect(row1.secondsLeft).toBe(Math.floor((before.getTime() + 600_000 - at(40).getTime()) / 1000));
				expect(rows.filter((r) => r.status === 'not_started')).toHaveLength(1);

				expect(await terminateAttempt(db, a2, '替考', examinerActor, at(50))).toEqual({ ok: true });
				const ended = await findAttempt(db, a2);
				expect(ended?.status).toBe('finished');
				expect(ended?.finish_reason).toBe('terminated');
				expect((await sessionConsole(db, { id: f.sessionId, require_fullscreen: false }, at(51))).find((r) => r.attemptId === a2)?.status).toBe('terminated');

				expect((await decideAttempt(db, a1, 'voided', '尚未结束', examinerActor, at(55))).ok).toBe(false);
				expect(await decideAttempt(db, a2, 'voided', '现场核实为替考', examinerActor, at(60))).toEqual({ ok: true });
				const audit = await db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('target', 'in', [`exam_attempt:${a1}`, `exam_attempt:${a2}`]).execute();
				expect(audit.map((a) => a.action).sort()).toEqual(['exam.decision', 'exam.extend', 'exam.terminate', 'exam.warn']);
				expect(audit.every((a) => a.actor_user_id === examiner.id)).toBe(true);

				const timeline = await attemptTimeline(db, a1, at(70));
				const kinds = timeline!.items.map((i) => (i.kind === 'event' ? i.code : i.kind === 'action' ? `action:${i.action}` : i.kind));
				expect(kinds).toEqual(['started', 'action:warn', 'page_hidden', 'action:extend']);
			});

			it('refuses examiners of other sessions or institutions (treated as not found)', async () => {
				const other = await makeFixtureExaminer(db);
				const session = (await findSession(db, f.sessionId))!;
				expect(await canProctorSession(db, { role: 'examiner', orgId: other.orgId, userId: other.userId }, session)).toBe(false);
				const unassigned = await makeUser(db, { role: 'examiner', orgId: f.institutionId });
				expect(await canProctorSession(db, { role: 'examiner', orgId: f.institutionId, userId: unassigned.id }, session)).toBe(false);
				expect(await canProctorSession(db, { role: 'examiner', orgId: f.institutionId, userId: examiner.id }, session)).toBe(true);
				const attempt = await db.selectFrom('exam_attempts').select('id').where('session_id', '=', f.sessionId).executeTakeFirstOrThrow();
				expect(await proctoredSessionOfAttempt(db, { role: 'examiner', orgId: other.orgId, userId: other.userId }, attempt.id)).toBeNull();
				expect(await proctoredSessionOfAttempt(db, { role: 'institution_admin', orgId: other.orgId, userId: other.userId }, attempt.id)).toBeNull();
				expect((await proctoredSessionOfAttempt(db, { role: 'institution_admin', orgId: f.institutionId, userId: 0 }, attempt.id))?.id).toBe(f.sessionId);
			});

			it('lists results with flags and exports them; the item-stats job fills the analysis', async () => {
				const p3 = f.persons[2]!;
				const a3 = await start(p3);
				const slots = await getPaperSlots(db, (await findAttempt(db, a3))!.paper_id);
				const answers = slots.map((s, i) => {
					const q = f.bank.questions.find((x) => String(x.dbId) === s.questionId)!;
					return { seq: i + 1, slot: s.slot, response: q.answer as unknown, clientAt: null };
				});
				const events = Array.from({ length: 7 }, (_, i) => ({ kind: 'page_hidden', at: at(100 + i) }));
				const done = await submitAttempt(db, { attemptId: a3, personId: p3, client, answers, events }, at(200));
				expect(done?.status).toBe('finished');
				const results = await sessionResults(db, f.sessionId);
				const r3 = results.find((r) => r.attemptId === a3)!;
				expect(r3.score).toBe(100);
				expect(r3.passed).toBe(true);
				expect(r3.flags.map((x) => x.code)).toContain('focus_loss');
				expect(results.find((r) => r.decision === 'voided')).toBeTruthy();

				const xlsx = await buildResultsXlsx({ name: '测试场次', opensAt: at(0), closesAt: at(7200) }, results, at(300));
				const wb = new ExcelJS.Workbook();
				await wb.xlsx.load(xlsx as unknown as ArrayBuffer);
				const ws = wb.getWorksheet(RESULTS_SHEET)!;
				expect(ws.getRow(1).getCell(2).value).toBe('姓名');
				expect(ws.rowCount).toBeGreaterThanOrEqual(results.length + 1);

				await requestItemStats(db, f.bank.id, at(300));
				await runWorkerOnce(db, () => at(400));
				const stats = await bankItemStats(db, f.bank.id);
				expect(stats.items.length).toBeGreaterThan(0);
				const item = stats.items[0]!;
				expect(item.responses).toBeGreaterThan(0);
				expect(item.flags).toContain('too_few_responses');
				expect(item.options.length).toBeGreaterThan(0);
			});
		});
	});
}

async function makeFixtureExaminer(db: Db) {
	const orgId = await makeOrg(db, 'institution');
	const u = await makeUser(db, { role: 'examiner', orgId });
	return { orgId, userId: u.id };
}

describe('demo exams seed (pglite)', () => {
	it('seeds an open and a closed session through the real engine, inside the seeding transaction, idempotently', async () => {
		const { seedIfEmpty } = await import('../../seeds/index.ts');
		const { seedDemoExams } = await import('../../seeds/demo-exams.ts');
		const t = await createTestDatabase('pglite');
		try {
			const db = t.db;
			// seedIfEmpty seeds the demo exams with the real clock; running the seed again adds nothing
			await seedIfEmpty(db, { demo: true });
			const now = new Date();
			await db.transaction().execute((tx) => seedDemoExams(tx, now));
			await seedDemoExams(db, now);
			// (the coverage demo adds sessions of its own, on other blueprints)
			const sessions = await db
				.selectFrom('exam_sessions as s')
				.innerJoin('exam_blueprints as b', 'b.id', 's.blueprint_id')
				.select(['s.id', 's.name', 's.opens_at', 's.closes_at'])
				.where('b.name', '=', '安全生产法知识考试（演示）')
				.orderBy('s.id')
				.execute();
			expect(sessions).toHaveLength(2);
			const [open, closed] = sessions as [(typeof sessions)[0], (typeof sessions)[0]];
			expect(open.opens_at.getTime()).toBeLessThan(now.getTime());
			expect(open.closes_at.getTime()).toBeGreaterThan(now.getTime());
			expect(closed.closes_at.getTime()).toBeLessThan(now.getTime());
			const ready = await db.selectFrom('exam_attempts').select('id').where('session_id', '=', open.id).where('status', '=', 'ready').execute();
			expect(ready).toHaveLength(3);
			const results = await sessionResults(db, closed.id);
			expect(results.length).toBeGreaterThanOrEqual(25);
			expect(results.filter((r) => r.counts).length).toBeGreaterThanOrEqual(3);
			expect(results.filter((r) => !r.counts).length).toBeGreaterThanOrEqual(3);
			const flagCodes = results.flatMap((r) => r.flags.map((f) => f.code));
			expect(flagCodes).toEqual(expect.arrayContaining(['fast', 'focus_loss']));
			expect(results.some((r) => r.decision === 'voided')).toBe(true);
			const examiner = await db.selectFrom('users').select('id').where('mobile', '=', '13800000005').executeTakeFirstOrThrow();
			expect(await db.selectFrom('exam_session_examiners').select('session_id').where('user_id', '=', examiner.id).execute()).toHaveLength(2);
			const bank = await db.selectFrom('qb_banks').select('id').where('code', '=', 'aqsc-law-2021').executeTakeFirstOrThrow();
			const stats = await bankItemStats(db, bank.id);
			expect(stats.items.length).toBe(80);
			expect(stats.items.some((i) => i.flags.includes('too_easy') || i.flags.includes('too_hard') || i.flags.includes('low_discrimination') || i.flags.includes('negative_discrimination'))).toBe(true);
		} finally {
			await t.close();
		}
	}, 180_000);
});
