// An attempt survives its server: kill -9 in the middle, restart, nothing acknowledged is lost and
// the clock has not moved; and two instances on one PostgreSQL serve one attempt between them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPostgresDatabase } from '../support/db.ts';
import { Client, startServer, type RunningServer, hasBuild, hasPostgres } from '../support/server.ts';
import { prepareServerDatabase, seedExamScenario, type ExamBank } from '../support/exam-factories.ts';
import { openDatabase, type Database } from '../../src/lib/server/db/index.ts';

const built = hasBuild(import.meta.url);
const PASSWORD = 'Anxun@2026';
const FIRST = '13800000007';
const SECOND = '500115197803150011';

type View = { status: string; deadline: string; questions: { slot: number; stem: string }[]; answers: { slot: number; seq: number; response: unknown }[]; maxSeq: number };

describe.skipIf(!built || !hasPostgres(import.meta.url))('exam reliability (built servers on PostgreSQL)', () => {
	let url: string;
	let env: Record<string, string>;
	let bank: ExamBank;
	let sessionId: number;
	let database: Database;
	const running: RunningServer[] = [];

	beforeAll(async () => {
		const prepared = await prepareServerDatabase('postgres', (db) => seedExamScenario(db, { learners: [FIRST, SECOND] }));
		url = prepared.url!;
		env = prepared.env;
		bank = prepared.value.bank;
		sessionId = prepared.value.sessionIds[0]!;
		database = await openDatabase({ kind: 'postgres', url, max: 2 });
	}, 180_000);

	afterAll(async () => {
		// a SIGKILLed server has a signalCode and no exitCode: it is gone already
		await Promise.all(running.filter((s) => s.proc.exitCode === null && s.proc.signalCode === null).map((s) => s.stop()));
		await database?.close();
		if (url) await dropPostgresDatabase(url);
	});

	async function boot(): Promise<RunningServer> {
		const s = await startServer(env);
		running.push(s);
		return s;
	}

	const post = (c: Client, path: string, body: unknown) => c.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json' } });
	const keyFor = (stem: string) => bank.questions.find((q) => q.stem === stem)!.answer as string | string[] | boolean;
	const steps = async (attemptId: number) =>
		database.db.selectFrom('exam_answer_steps').select(['seq', 'slot', 'response']).where('attempt_id', '=', attemptId).orderBy('seq').execute();

	it('kill -9 mid-attempt: every acknowledged answer is kept, the deadline unchanged, the candidate resumes and submits', async () => {
		const a = await boot();
		const c = new Client(a.url);
		await c.login(FIRST, PASSWORD);
		const clientId = 'reliability-client-1';
		const start = await (await post(c, `/api/exam/sessions/${sessionId}/start`, { clientId })).json();
		const attemptId: number = start.attemptId;
		const view: View = await (await c.request(`/api/exam/attempts/${attemptId}?clientId=${clientId}`, { headers: { accept: 'application/json' } })).json();

		const acknowledged: number[] = [];
		for (let i = 0; i < 5; i++) {
			const q = view.questions[i]!;
			const r = await (await post(c, `/api/exam/attempts/${attemptId}/sync`, { clientId, answers: [{ seq: i + 1, slot: q.slot, response: keyFor(q.stem) }] })).json();
			acknowledged.push(...r.saved);
		}
		expect(acknowledged).toEqual([1, 2, 3, 4, 5]);
		// an answer in flight when the process dies: it may or may not land, but never half
		const inFlight = post(c, `/api/exam/attempts/${attemptId}/sync`, { clientId, answers: [{ seq: 6, slot: view.questions[5]!.slot, response: keyFor(view.questions[5]!.stem) }] }).catch(() => null);
		a.proc.kill('SIGKILL');
		await inFlight;
		await new Promise<void>((resolve) => (a.proc.exitCode !== null || a.proc.signalCode !== null ? resolve() : a.proc.once('exit', () => resolve())));

		const b = await boot();
		const again = new Client(b.url);
		again.cookie = c.cookie; // the login session lives in the database, not the process
		const resumed: View = await (await again.request(`/api/exam/attempts/${attemptId}?clientId=${clientId}`, { headers: { accept: 'application/json' } })).json();
		expect(resumed.status).toBe('in_progress');
		expect(resumed.deadline).toBe(view.deadline);
		for (const seq of acknowledged) expect(resumed.answers.some((x) => x.seq === seq)).toBe(true);
		const stored = await steps(attemptId);
		expect(stored.filter((s) => s.seq <= 5)).toHaveLength(5);
		expect(stored.length === 5 || stored.length === 6).toBe(true);

		// carry on after the restart, from the server's maxSeq
		const next = resumed.maxSeq + 1;
		const q = view.questions[7]!;
		const r = await (await post(again, `/api/exam/attempts/${attemptId}/sync`, { clientId, answers: [{ seq: next, slot: q.slot, response: keyFor(q.stem) }] })).json();
		expect(r.saved).toEqual([next]);
		expect(r.deadline).toBe(view.deadline);
		const submitted = await (await post(again, `/api/exam/attempts/${attemptId}/submit`, { clientId })).json();
		expect(submitted.status).toBe('finished');
		const row = await database.db.selectFrom('exam_attempts').select(['status', 'deadline_at', 'finish_reason']).where('id', '=', attemptId).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'finished', finish_reason: 'submitted' });
		expect(row.deadline_at!.toISOString()).toBe(view.deadline);
	}, 180_000);

	it('two instances: start on one, answer on the other, submit on the first', async () => {
		const [a, b] = await Promise.all([boot(), boot()]);
		const onA = new Client(a.url);
		await onA.login(SECOND, PASSWORD);
		const onB = new Client(b.url);
		onB.cookie = onA.cookie;
		const clientId = 'reliability-client-2';
		const start = await (await post(onA, `/api/exam/sessions/${sessionId}/start`, { clientId })).json();
		const attemptId: number = start.attemptId;
		const view: View = await (await onB.request(`/api/exam/attempts/${attemptId}?clientId=${clientId}`, { headers: { accept: 'application/json' } })).json();
		expect(view.status).toBe('in_progress');
		const answers = view.questions.map((q, i) => ({ seq: i + 1, slot: q.slot, response: keyFor(q.stem) }));
		// the same batch to both instances at once: each seq is stored once
		const [r1, r2] = await Promise.all([post(onB, `/api/exam/attempts/${attemptId}/sync`, { clientId, answers }), post(onA, `/api/exam/attempts/${attemptId}/sync`, { clientId, answers })]);
		expect((await r1.json()).saved).toHaveLength(10);
		expect((await r2.json()).saved).toHaveLength(10);
		expect(await steps(attemptId)).toHaveLength(10);

		const submitted = await (await post(onA, `/api/exam/attempts/${attemptId}/submit`, { clientId })).json();
		expect(submitted.status).toBe('finished');
		let graded: { status: string; score: string | null; passed: boolean | null } | undefined;
		for (let i = 0; i < 40; i++) {
			graded = await database.db.selectFrom('exam_attempts').select(['status', 'score', 'passed']).where('id', '=', attemptId).executeTakeFirst();
			if (graded?.score !== null) break;
			await new Promise((r) => setTimeout(r, 250));
		}
		expect(graded).toEqual({ status: 'finished', score: '100.00', passed: true });
		// the other instance sees the finish too
		const late = await (await post(onB, `/api/exam/attempts/${attemptId}/sync`, { clientId, answers: [{ seq: 11, slot: 1, response: null }] })).json();
		expect(late.status).toBe('finished');
	}, 180_000);
});
