// The hot paths (src/lib/server/http/hot-paths.ts) through the built server (npx vite build first), on
// each backend: autosave, 开始考试 and the study heartbeat answered before SvelteKit must answer exactly
// as the SvelteKit routes do. The same server answers both ways: a query string sends a call through
// SvelteKit (the hot path takes only the exact path), so every case is sent twice and compared —
// status, body and headers — and `x-anxun-path: hot` shows which calls the hot path took.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, dropPostgresDatabase } from '../support/db.ts';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { personOfAccount, prepareServerDatabase, seedExamScenario } from '../support/exam-factories.ts';
import { enrol, makeCourse } from '../support/study-factories.ts';

const built = hasBuild(import.meta.url);
const PASSWORD = 'Anxun@2026';
const LEARNER = '13800000007';
const OTHER = '500115197803150011';
const CLIENT = 'hot-path-client-1';
const TAB = 'hot-path-tab-1';

type Answer = { status: number; body: unknown; headers: Record<string, string> };

const COMPARED_HEADERS = ['content-type', 'cache-control', 'x-content-type-options', 'referrer-policy', 'x-frame-options'];

for (const backend of BACKENDS) {
	describe.skipIf(!built)(`hot paths answer as the SvelteKit routes do (built server, ${backend})`, () => {
		let server: RunningServer;
		let dbUrl: string | null = null;
		let learner: Client;
		let other: Client;
		let sessionId: number;
		let codedSessionId: number;
		let study: { enrolmentId: number; lessonId: number };

		async function send(c: Client, path: string, raw: string | undefined, contentType = 'application/json'): Promise<Answer> {
			const init: RequestInit = raw === undefined ? { method: 'POST', headers: { accept: 'application/json' } } : { method: 'POST', body: raw, headers: { 'content-type': contentType, accept: 'application/json' } };
			const r = await c.request(path, init);
			const headers: Record<string, string> = {};
			r.headers.forEach((v, k) => (headers[k] = v));
			const text = await r.text();
			let body: unknown = text;
			try {
				body = JSON.parse(text);
			} catch {
				// not JSON: compared as text
			}
			return { status: r.status, body, headers };
		}

		/** The call on the hot path and through SvelteKit (`?via=kit`); `hot` says whether the hot path must take it. */
		async function both(c: Client, path: string, body: unknown, opts: { raw?: string; hot: boolean; contentType?: string }) {
			const raw = opts.raw ?? (body === undefined ? undefined : JSON.stringify(body));
			const hot = await send(c, path, raw, opts.contentType);
			const kit = await send(c, `${path}?via=kit`, raw, opts.contentType);
			expect(hot.headers['x-anxun-path'], `${path}: taken by the hot path`).toBe(opts.hot ? 'hot' : undefined);
			expect(kit.headers['x-anxun-path'], `${path}?via=kit: SvelteKit`).toBeUndefined();
			expect(hot.status, path).toBe(kit.status);
			for (const h of COMPARED_HEADERS) expect(hot.headers[h], `${path}: header ${h}`).toBe(kit.headers[h]);
			// the session cookie is renewed alike (same attributes; Expires moves with the sliding expiry)
			const cookieShape = (s: string | undefined) => s?.replace(/Expires=[^;]+/, 'Expires=…');
			expect(cookieShape(hot.headers['set-cookie']), `${path}: set-cookie`).toBe(cookieShape(kit.headers['set-cookie']));
			return { hot, kit };
		}

		const withoutClock = (b: unknown) => (b && typeof b === 'object' ? { ...(b as Record<string, unknown>), serverNow: '…' } : b);

		beforeAll(async () => {
			const prepared = await prepareServerDatabase(backend, async (db) => {
				const exam = await seedExamScenario(db, { learners: [LEARNER, OTHER], sessions: [{}, { accessCode: 'ABCD12', name: '口令场次' }] });
				const course = await makeCourse(db, [{ minutes: 45 }]);
				const enrolmentId = await enrol(db, await personOfAccount(db, LEARNER), course.courseId);
				return { sessionIds: exam.sessionIds, study: { enrolmentId, lessonId: course.lessonIds[0]! } };
			});
			dbUrl = prepared.url;
			[sessionId, codedSessionId] = prepared.value.sessionIds as [number, number];
			study = prepared.value.study;
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

		it('开始考试: refusals and the start are the routes’ answers', async () => {
			const path = `/api/exam/sessions/${sessionId}/start`;
			const notJson = await both(learner, path, undefined, { raw: 'not json', hot: true });
			expect(notJson.hot.body).toEqual({ message: '请求内容须为 JSON' });
			expect(notJson.hot.body).toEqual(notJson.kit.body);
			const badClient = await both(learner, path, { clientId: 'x' }, { hot: true });
			expect(badClient.hot.status).toBe(400);
			expect(badClient.hot.body).toEqual(badClient.kit.body);
			const control = await both(learner, path, { clientId: 'hot-path\u0007client' }, { hot: true });
			expect(control.hot.status).toBe(400);
			expect(control.hot.body).toEqual(control.kit.body);
			const coded = await both(learner, `/api/exam/sessions/${codedSessionId}/start`, { clientId: CLIENT, accessCode: 'WRONG1' }, { hot: true });
			expect(coded.hot.status).toBe(403);
			expect(coded.hot.body).toEqual(coded.kit.body);
			const nobody = await both(learner, '/api/exam/sessions/2147483647/start', { clientId: CLIENT }, { hot: true });
			expect(nobody.hot.body).toEqual(nobody.kit.body);

			// the start on the hot path, the resume through SvelteKit: one attempt
			const started = await send(learner, path, JSON.stringify({ clientId: CLIENT }));
			expect(started.status).toBe(200);
			expect(started.headers['x-anxun-path']).toBe('hot');
			const resumed = await send(learner, `${path}?via=kit`, JSON.stringify({ clientId: CLIENT }));
			expect(resumed.status).toBe(200);
			const s = started.body as { attemptId: number; resumed: boolean };
			expect(s.resumed).toBe(false);
			expect(resumed.body).toEqual({ attemptId: s.attemptId, resumed: true });
		});

		it('autosave: saved, idempotent, refused one by one, other people’s attempts 404 — alike on both paths', async () => {
			const start = await send(learner, `/api/exam/sessions/${sessionId}/start`, JSON.stringify({ clientId: CLIENT }));
			const attemptId = (start.body as { attemptId: number }).attemptId;
			const path = `/api/exam/attempts/${attemptId}/sync`;
			const answer = { clientId: CLIENT, answers: [{ seq: 1, slot: 1, response: null }], events: [], ack: [] };
			const saved = await both(learner, path, answer, { hot: true });
			expect(saved.hot.status).toBe(200);
			expect((saved.hot.body as { saved: number[] }).saved).toEqual([1]);
			expect(withoutClock(saved.hot.body)).toEqual(withoutClock(saved.kit.body));

			const badSlot = await both(learner, path, { ...answer, answers: [{ seq: 2, slot: 999, response: null }] }, { hot: true });
			expect((badSlot.hot.body as { rejected: unknown[] }).rejected).toHaveLength(1);
			expect(withoutClock(badSlot.hot.body)).toEqual(withoutClock(badSlot.kit.body));

			for (const [label, raw] of [
				['not JSON', '{'],
				['schema', JSON.stringify({ clientId: CLIENT, answers: 'all', events: [], ack: [] })],
				['control character', JSON.stringify({ ...answer, clientId: 'hot\u0000path' })]
			] as const) {
				const r = await both(learner, path, undefined, { raw, hot: true });
				expect(r.hot.status, label).toBe(400);
				expect(r.hot.body, label).toEqual(r.kit.body);
			}
			const theirs = await both(other, path, answer, { hot: true });
			expect(theirs.hot.status).toBe(404);
			expect(theirs.hot.body).toEqual(theirs.kit.body);
		});

		it('a burst of autosaves from two candidates at once (batched on PostgreSQL): each answered as alone, every saved answer stored', async () => {
			const attempts: { c: Client; clientId: string; attemptId: number }[] = [];
			for (const [c, clientId] of [
				[learner, CLIENT],
				[other, 'hot-path-other-1']
			] as const) {
				const start = await send(c, `/api/exam/sessions/${sessionId}/start`, JSON.stringify({ clientId }));
				expect(start.status).toBe(200);
				attempts.push({ c, clientId, attemptId: (start.body as { attemptId: number }).attemptId });
			}
			// 15 answers each with their own seq, and a retry of each of the first five: 40 requests in flight
			const calls = attempts.flatMap((a) => [...Array.from({ length: 15 }, (_, i) => ({ a, seq: 100 + i })), ...Array.from({ length: 5 }, (_, i) => ({ a, seq: 100 + i }))]);
			const results = await Promise.all(
				calls.map(({ a, seq }) => send(a.c, `/api/exam/attempts/${a.attemptId}/sync`, JSON.stringify({ clientId: a.clientId, answers: [{ seq, slot: 1 + (seq % 5), response: null }], events: [], ack: [] })))
			);
			for (const [n, r] of results.entries()) {
				expect(r.status, `call ${n}`).toBe(200);
				expect((r.body as { saved: number[]; rejected: unknown[] }).saved, `call ${n}`).toEqual([calls[n]!.seq]);
				expect((r.body as { rejected: unknown[] }).rejected, `call ${n}`).toEqual([]);
			}
			for (const a of attempts) {
				const state = await a.c.request(`/api/exam/attempts/${a.attemptId}?clientId=${a.clientId}`, { headers: { accept: 'application/json' } });
				const body = (await state.json()) as { answers: { slot: number; seq: number }[]; maxSeq: number };
				expect(body.maxSeq).toBe(114);
				// the current answer of each slot is its highest seq
				for (let slot = 1; slot <= 5; slot++) expect(body.answers.find((x) => x.slot === slot)?.seq, `slot ${slot}`).toBe(Math.max(...[...Array(15).keys()].map((i) => 100 + i).filter((s) => 1 + (s % 5) === slot)));
			}
		});

		it('study heartbeat: a beat and its refusals are the route’s answers', async () => {
			const beat = { enrolmentId: study.enrolmentId, lessonId: study.lessonId, tabId: TAB, state: 'active' };
			const first = await send(learner, '/api/study/heartbeat', JSON.stringify(beat));
			expect(first.status).toBe(200);
			expect(first.headers['x-anxun-path']).toBe('hot');
			expect(first.body).toMatchObject({ refused: null });
			for (const [label, body, raw] of [
				['not JSON', undefined, 'nope'],
				['schema', { ...beat, state: 'dancing' }, undefined],
				['control character', { ...beat, tabId: 'tab\u0001x' }, undefined],
				['not enrolled', { ...beat, enrolmentId: 2147483647 }, undefined]
			] as const) {
				const r = await both(learner, '/api/study/heartbeat', body, { raw, hot: true });
				expect(r.hot.status, label).toBeGreaterThanOrEqual(400);
				expect(r.hot.body, label).toEqual(r.kit.body);
			}
		});

		it('leaves to SvelteKit what it does not take: no session, another role, ids out of range, forms, oversized or chunked bodies', async () => {
			const anon = new Client(server.url);
			const body = { clientId: CLIENT, answers: [], events: [], ack: [] };
			const noSession = await both(anon, '/api/exam/attempts/1/sync', body, { hot: false });
			expect(noSession.hot.status).toBe(401);
			expect(noSession.hot.body).toEqual(noSession.kit.body);
			const admin = new Client(server.url);
			await admin.login('13800000004', PASSWORD);
			const otherRole = await both(admin, '/api/study/heartbeat', { tabId: TAB }, { hot: false });
			expect(otherRole.hot.status).toBe(403);
			const outOfRange = await both(learner, '/api/exam/attempts/9999999999/sync', body, { hot: false });
			expect(outOfRange.hot.status).toBe(404);
			const form = await both(learner, '/api/study/heartbeat', undefined, { raw: 'tabId=x', contentType: 'application/x-www-form-urlencoded', hot: false });
			expect(form.hot.status).toBe(400);
			const big = await both(learner, '/api/study/heartbeat', undefined, { raw: JSON.stringify({ tabId: 'x'.repeat(5000) }), hot: false });
			expect(big.hot.status).toBe(413);
			// a chunked body (no content-length) goes through SvelteKit too
			const chunked = await learner.request('/api/study/heartbeat', {
				method: 'POST',
				body: new Blob(['{"tabId":"x"}']).stream(),
				headers: { 'content-type': 'application/json', accept: 'application/json' },
				duplex: 'half'
			} as RequestInit);
			expect(chunked.headers.get('x-anxun-path')).toBeNull();
			expect(chunked.status).toBe(400);
		});
	});
}
