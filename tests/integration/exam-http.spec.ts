// The candidate's exam over HTTP, through the built server (npx vite build first), on each backend:
// start, autosave, submit; other people's attempts; malformed bodies; and no key ever leaves the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, dropPostgresDatabase } from '../support/db.ts';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { prepareServerDatabase, seedExamScenario, TINY_JPEG_BASE64, type ExamBank } from '../support/exam-factories.ts';

const built = hasBuild(import.meta.url);
const PASSWORD = 'Anxun@2026';
const LEARNER = '13800000007';
const OTHER = '500115197803150011';
const CLIENT = 'http-test-client-1';

type View = {
	status: string;
	attemptId: number;
	deadline: string;
	serverNow: string;
	questions: { slot: number; type: string; stem: string; options: { value: string; label: string; text: string }[] }[];
	answers: { slot: number; response: unknown; seq: number }[];
	maxSeq: number;
};

/** Every key anywhere in a JSON value. */
function keysOf(value: unknown, out = new Set<string>()): Set<string> {
	if (Array.isArray(value)) value.forEach((v) => keysOf(v, out));
	else if (value && typeof value === 'object') {
		for (const [k, v] of Object.entries(value)) {
			out.add(k);
			keysOf(v, out);
		}
	}
	return out;
}

for (const backend of BACKENDS) {
	describe.skipIf(!built)(`exam over HTTP (built server, ${backend})`, () => {
		let server: RunningServer;
		let dbUrl: string | null = null;
		let bank: ExamBank;
		let sessionId: number;
		let codedSessionId: number;
		let learner: Client;
		let other: Client;
		let attemptId: number;
		let view: View;
		const leakChecked: string[] = [];

		const api = (c: Client, path: string, body?: unknown, raw?: string) =>
			c.request(path, body === undefined && raw === undefined ? { headers: { accept: 'application/json' } } : { method: 'POST', body: raw ?? JSON.stringify(body), headers: { 'content-type': 'application/json', accept: 'application/json' } });

		/** The correct response to a question of the paper, found by its stem. */
		function keyFor(stem: string): string | string[] | boolean {
			const q = bank.questions.find((x) => x.stem === stem);
			if (!q) throw new Error(`no question ${stem}`);
			return q.answer as string | string[] | boolean;
		}

		/** Fails if a payload holds any key or explanation of the bank. */
		function assertNoKeys(label: string, text: string) {
			leakChecked.push(label);
			for (const q of bank.questions) expect(text, `${label}: explanation of ${q.id}`).not.toContain(q.explanation);
			expect(text, label).not.toContain('SECRET');
			try {
				const keys = keysOf(JSON.parse(text));
				for (const k of ['answer', 'explanation', 'key', 'correct', 'basis', 'result']) expect(keys.has(k), `${label}: field ${k}`).toBe(false);
			} catch (err) {
				if (!(err instanceof SyntaxError)) throw err;
				// HTML: the serialized page data must not name a key either
				expect(text, label).not.toMatch(/"?(answer|explanation)"?\s*:/);
			}
		}

		beforeAll(async () => {
			const prepared = await prepareServerDatabase(backend, (db) =>
				seedExamScenario(db, { learners: [LEARNER, OTHER], sessions: [{ reviewPolicy: 'after_close' }, { accessCode: 'ABCD12', name: '口令场次' }] })
			);
			dbUrl = prepared.url;
			bank = prepared.value.bank;
			[sessionId, codedSessionId] = prepared.value.sessionIds as [number, number];
			server = await startServer(prepared.env);
			learner = new Client(server.url);
			await learner.login(LEARNER, PASSWORD);
			other = new Client(server.url);
			await other.login(OTHER, PASSWORD);
		}, 180_000);

		afterAll(async () => {
			await server?.stop();
			if (dbUrl) await dropPostgresDatabase(dbUrl);
		});

		it('lists my sessions and shows one with its eligibility', async () => {
			const list = await (await learner.get('/learner/exams')).text();
			expect(list).toContain('安全生产知识考试（测试场次）');
			expect(list).toContain('可以开考');
			const page = await learner.get(`/learner/exams/${sessionId}`);
			expect(page.status).toBe(200);
			const html = await page.text();
			expect(html).toContain('您符合本场考试的条件');
			expect((await learner.get('/learner/exams/999999')).status).toBe(404);
		});

		it('refuses anonymous callers, malformed bodies (400, in Chinese, naming the field) and oversized ones', async () => {
			const anon = new Client(server.url);
			const r401 = await api(anon, `/api/exam/sessions/${sessionId}/start`, { clientId: CLIENT });
			expect(r401.status).toBe(401);

			const notJson = await api(learner, `/api/exam/sessions/${sessionId}/start`, undefined, 'not json');
			expect(notJson.status).toBe(400);
			expect((await notJson.json()).message).toBe('请求内容须为 JSON');
			const badClient = await api(learner, `/api/exam/sessions/${sessionId}/start`, { clientId: 'x' });
			expect(badClient.status).toBe(400);
			expect((await badClient.json()).message).toContain('clientId');
			const badPhoto = await api(learner, `/api/exam/sessions/${sessionId}/start`, { clientId: CLIENT, identityPhoto: 'bm90IGEganBlZw==' });
			expect(badPhoto.status).toBe(400);
			expect((await badPhoto.json()).message).toBe('身份照片 identityPhoto：照片须为 JPEG 格式');
		});

		it('starts once; starting again resumes the same attempt', async () => {
			const r = await api(learner, `/api/exam/sessions/${sessionId}/start`, { clientId: CLIENT });
			expect(r.status).toBe(200);
			const body = await r.json();
			expect(body.resumed).toBe(false);
			attemptId = body.attemptId;
			const again = await (await api(learner, `/api/exam/sessions/${sessionId}/start`, { clientId: CLIENT })).json();
			expect(again).toEqual({ attemptId, resumed: true });

			const v = await api(learner, `/api/exam/attempts/${attemptId}?clientId=${CLIENT}`);
			expect(v.status).toBe(200);
			const text = await v.text();
			assertNoKeys('GET attempt', text);
			view = JSON.parse(text);
			expect(view.status).toBe('in_progress');
			expect(view.questions).toHaveLength(10);
			expect(new Date(view.deadline).getTime()).toBeGreaterThan(Date.now() + 55 * 60_000);
		});

		it('refuses the start of a session with an access code until the code is right, with the reason', async () => {
			const wrong = await api(other, `/api/exam/sessions/${codedSessionId}/start`, { clientId: 'other-client-1', accessCode: 'ZZZZ' });
			expect(wrong.status).toBe(403);
			expect((await wrong.json()).reasons).toEqual(['考场口令不正确。']);
			const none = await api(other, `/api/exam/sessions/${codedSessionId}/start`, { clientId: 'other-client-1' });
			expect(none.status).toBe(403);
			const right = await api(other, `/api/exam/sessions/${codedSessionId}/start`, { clientId: 'other-client-1', accessCode: 'abcd12' });
			expect(right.status).toBe(200);
		});

		it("answers 404 for another learner's attempt, on every endpoint and page", async () => {
			expect((await api(other, `/api/exam/attempts/${attemptId}?clientId=other-client-1`)).status).toBe(404);
			expect((await api(other, `/api/exam/attempts/${attemptId}/sync`, { clientId: 'other-client-1', answers: [{ seq: 1, slot: 1, response: 'A' }] })).status).toBe(404);
			expect((await api(other, `/api/exam/attempts/${attemptId}/submit`, { clientId: 'other-client-1' })).status).toBe(404);
			expect((await api(other, `/api/exam/attempts/${attemptId}/snapshot`, { clientId: 'other-client-1', image: TINY_JPEG_BASE64, kind: 'random' })).status).toBe(404);
			expect((await other.get(`/learner/exams/attempts/${attemptId}`)).status).toBe(404);
			expect((await other.get(`/learner/exams/attempts/${attemptId}/result`)).status).toBe(404);
			expect((await api(learner, `/api/exam/attempts/999999?clientId=${CLIENT}`)).status).toBe(404);
			// nothing of theirs was written to my attempt
			const mine: View = await (await api(learner, `/api/exam/attempts/${attemptId}?clientId=${CLIENT}`)).json();
			expect(mine.answers).toEqual([]);
		});

		it('autosaves answers idempotently by seq and refuses bad ones one by one', async () => {
			const sync = async (body: unknown) => {
				const r = await api(learner, `/api/exam/attempts/${attemptId}/sync`, body);
				const text = await r.text();
				assertNoKeys(`sync ${r.status}`, text);
				return { status: r.status, body: JSON.parse(text) };
			};
			const [q1, q2, q3] = view.questions as [View['questions'][0], View['questions'][0], View['questions'][0]];
			const first = await sync({ clientId: CLIENT, answers: [{ seq: 1, slot: q1.slot, response: keyFor(q1.stem), at: new Date().toISOString() }], events: [{ kind: 'page_hidden', at: new Date().toISOString() }] });
			expect(first.status).toBe(200);
			expect(first.body).toMatchObject({ status: 'in_progress', saved: [1], rejected: [] });
			expect(Math.abs(Date.parse(first.body.serverNow) - Date.now())).toBeLessThan(10_000);
			// the same seq again (a retry after a lost response) is acknowledged, not duplicated
			expect((await sync({ clientId: CLIENT, answers: [{ seq: 1, slot: q1.slot, response: keyFor(q1.stem) }] })).body.saved).toEqual([1]);
			// a slot not on the paper, an option that does not exist
			const bad = await sync({
				clientId: CLIENT,
				answers: [
					{ seq: 2, slot: 999, response: 'A' },
					{ seq: 3, slot: q2.slot, response: q2.type === 'judge' ? 'maybe' : 'Z' },
					{ seq: 4, slot: q3.slot, response: keyFor(q3.stem) }
				]
			});
			expect(bad.body.saved).toEqual([4]);
			expect(bad.body.rejected.map((r: { seq: number }) => r.seq)).toEqual([2, 3]);
			expect(bad.body.rejected[0].error).toBe('第 999 题不在您的试卷中');

			const malformed = await api(learner, `/api/exam/attempts/${attemptId}/sync`, { clientId: CLIENT, answers: [{ seq: 5, slot: 'x', response: 'A' }] });
			expect(malformed.status).toBe(400);
			expect((await malformed.json()).message).toBe('answers[0].slot：题号 slot 须为正整数');
			const badEvent = await api(learner, `/api/exam/attempts/${attemptId}/sync`, { clientId: CLIENT, events: [{ kind: 'teleport', at: new Date().toISOString() }] });
			expect(badEvent.status).toBe(400);
			expect((await badEvent.json()).message).toMatch(/^events\[0\]\.kind：事件类型 kind 须为/);
			const badSeq = await api(learner, `/api/exam/attempts/${attemptId}/sync`, { clientId: CLIENT, answers: [{ seq: 0, slot: 1, response: 'A' }] });
			expect((await badSeq.json()).message).toBe('answers[0].seq：作答序号 seq 须为正整数');
			const tooBig = await api(learner, `/api/exam/attempts/${attemptId}/sync`, undefined, JSON.stringify({ clientId: CLIENT, events: [], pad: 'x'.repeat(70_000) }));
			expect(tooBig.status).toBe(413);
			expect((await tooBig.json()).message).toBe('请求内容过大（最大 64 KB）');

			const v: View = await (await api(learner, `/api/exam/attempts/${attemptId}?clientId=${CLIENT}`)).json();
			expect(v.answers.map((a) => [a.slot, a.seq]).sort()).toEqual([
				[q1.slot, 1],
				[q3.slot, 4]
			].sort());
			expect(v.maxSeq).toBe(4);
		});

		it('never sends a key or an explanation while the attempt is in progress (pages, page data, JSON)', async () => {
			const pages = [
				'/learner/exams',
				`/learner/exams/${sessionId}`,
				`/learner/exams/attempts/${attemptId}`,
				`/learner/exams/attempts/${attemptId}/__data.json`,
				`/learner/exams/__data.json`,
				`/learner/exams/${sessionId}/__data.json`
			];
			for (const p of pages) {
				const r = await learner.get(p);
				expect(r.status, p).toBe(200);
				assertNoKeys(p, await r.text());
			}
			// before the finish, the result page sends the candidate back to the exam
			expect((await learner.get(`/learner/exams/attempts/${attemptId}/result`)).status).toBe(303);
			assertNoKeys('GET attempt', await (await api(learner, `/api/exam/attempts/${attemptId}?clientId=${CLIENT}`)).text());
			expect(leakChecked.length).toBeGreaterThan(10);
		});

		it('submits (answers carried with it), then refuses later answers, and shows the result', async () => {
			const rest = view.questions.slice(3, 8).map((q, i) => ({ seq: 10 + i, slot: q.slot, response: keyFor(q.stem) }));
			const r = await api(learner, `/api/exam/attempts/${attemptId}/submit`, { clientId: CLIENT, answers: rest, events: [] });
			expect(r.status).toBe(200);
			expect(await r.json()).toEqual({ status: 'finished', rejected: [] });
			// twice is harmless
			expect((await (await api(learner, `/api/exam/attempts/${attemptId}/submit`, { clientId: CLIENT })).json()).status).toBe('finished');
			const late = await (await api(learner, `/api/exam/attempts/${attemptId}/sync`, { clientId: CLIENT, answers: [{ seq: 50, slot: view.questions[9]!.slot, response: true }] })).json();
			expect(late.status).toBe('finished');
			expect(late.saved).toEqual([]);
			expect(late.rejected[0].error).toBe('考试已结束，作答未被接收。');
			expect((await (await api(learner, `/api/exam/attempts/${attemptId}?clientId=${CLIENT}`)).json()).status).toBe('finished');
			expect((await learner.get(`/learner/exams/attempts/${attemptId}`)).headers.get('location')).toBe(`/learner/exams/attempts/${attemptId}/result`);

			// 7 of 10 right (q2 refused, 9 and 10 unanswered); after_close before the close: score and breakdown, no review yet
			let html = '';
			for (let i = 0; i < 20; i++) {
				html = await (await learner.get(`/learner/exams/attempts/${attemptId}/result`)).text();
				if (!html.includes('成绩正在计算')) break;
				await new Promise((res) => setTimeout(res, 250));
			}
			if (!html.includes('各知识点得分')) console.log(server.output().slice(-3000)); // the server's log says why
			expect(html).toContain('各知识点得分');
			expect(html).toContain('法律法规');
			expect(html).toContain('后可在本页查看每道题的答案和解析');
			expect(html).not.toContain('SECRET');
			expect(html).toMatch(/得分 <strong>\d+<\/strong> \/ 100 分/);
		});

		it('checks the snapshot endpoint: only while in progress and only when the session asks for the camera', async () => {
			const r = await api(learner, `/api/exam/attempts/${attemptId}/snapshot`, { clientId: CLIENT, image: TINY_JPEG_BASE64, kind: 'random' });
			expect(r.status).toBe(409);
			expect((await r.json()).message).toBe('考试已结束，不再接收抓拍照片');
			const bad = await api(learner, `/api/exam/attempts/${attemptId}/snapshot`, { clientId: CLIENT, image: 'data:image/jpeg;base64,xx', kind: 'random' });
			expect(bad.status).toBe(400);
			expect((await bad.json()).message).toContain('抓拍照片 image');
		});
	});
}
