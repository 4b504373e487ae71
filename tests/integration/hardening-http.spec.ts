// Issue 11 hardening through the built server: body limits before authentication, bad input
// answered 4xx in Chinese, zip bombs refused with bounded memory, CSP and no-store headers.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { rssOf, slowestWhile, streamPost, watchRss } from '../support/raw-http.ts';
import { honestBomb, lyingBomb, manyEntries } from '../support/zip-bomb.ts';

const built = hasBuild(import.meta.url);
const PASSWORD = 'Anxun@2026';
const MB = 1024 * 1024;
const STACK = /at [\w.<>]+ \(|\.js:\d+:\d+|node:internal|Error: /;

describe.skipIf(!built)('hardening over HTTP (built server)', () => {
	let server: RunningServer;
	let pid: number;
	beforeAll(async () => {
		server = await startServer({ ANXUN_WORKER_INTERVAL_MS: '0' });
		pid = server.proc.pid!;
	});
	afterAll(async () => server?.stop());

	it('answers 413 to anonymous 10 MB bodies at once, chunked or not, without buffering them', async () => {
		await new Client(server.url).get('/login'); // warm up
		const before = rssOf(pid);
		const watch = watchRss(pid);
		const targets = [
			{ path: '/login', type: 'application/x-www-form-urlencoded' },
			{ path: '/activate', type: 'application/x-www-form-urlencoded' },
			{ path: '/login', type: 'multipart/form-data; boundary=x' },
			{ path: '/api/exam/attempts/1/sync', type: 'application/json' },
			{ path: '/api/study/heartbeat', type: 'application/json' }
		];
		for (const t of targets) {
			for (const chunked of [false, true]) {
				const r = await streamPost(server.url, t.path, { total: 10 * MB, chunked, headers: { 'content-type': t.type } });
				const what = `${t.path} ${t.type} chunked=${chunked}`;
				expect(r.status, what).toBe(413);
				expect(r.body, what).toContain('请求内容过大');
				expect(r.ms, what).toBeLessThan(3000);
				expect(r.sent, what).toBeLessThan(10 * MB);
			}
		}
		expect(watch.stop() - before).toBeLessThan(30 * MB); // ten 10 MB bodies were sent
	});

	it('accepts a large body only from a role that may upload on that route', async () => {
		const admin = new Client(server.url);
		await admin.login('13800000004', PASSWORD);
		const learner = new Client(server.url);
		await learner.login('13800000007', PASSWORD);
		const upload = '/institution/courses/1/lessons/1?/upload';
		const multipart = { 'content-type': 'multipart/form-data; boundary=x' };
		// over the 200 MB video limit, even for the admin
		const huge = await streamPost(server.url, upload, { total: 300 * MB, chunked: false, headers: { ...multipart, cookie: admin.cookie } });
		expect(huge.status).toBe(413);
		expect(huge.body).toContain('200 MB');
		// a learner may not upload at all: a few KB is all they may send there (403 when the route refuses first)
		const declared = await streamPost(server.url, upload, { total: 2 * MB, chunked: false, headers: { ...multipart, cookie: learner.cookie } });
		expect(declared.status).toBe(413);
		const asLearner = await streamPost(server.url, upload, { total: 2 * MB, chunked: true, headers: { ...multipart, cookie: learner.cookie } });
		expect([403, 413]).toContain(asLearner.status);
		// the admin's 2 MB body is read (and refused as malformed multipart, not as too large)
		const asAdmin = await streamPost(server.url, upload, { total: 2 * MB, chunked: true, headers: { ...multipart, cookie: admin.cookie, accept: 'text/html' } });
		expect([400, 404]).toContain(asAdmin.status);
	});

	it('answers control characters, malformed ids, multipart and JSON with 4xx in Chinese, never a stack', async () => {
		const anon = new Client(server.url);
		const learner = new Client(server.url);
		await learner.login('13800000007', PASSWORD);
		const gets: [Client, string, number][] = [
			[anon, '/verify?q=%00', 400],
			[anon, '/verify?q=a%01b', 400],
			[anon, '/login?x%00=1', 400],
			[anon, '/api/verify/%00', 400],
			[learner, '/learner/exams/%00', 400],
			[learner, '/learner/practice?bank=%1F', 400]
		];
		for (const id of ['1abc', '-1', '01', '0', '2147483648', '99999999999999999999', '1e3', '%201', '1.0', '０１']) {
			gets.push([learner, `/learner/exams/${id}`, 404], [learner, `/learner/courses/${id}/lessons/1`, 404], [learner, `/api/exam/attempts/${id}`, 404]);
		}
		for (const [c, path, status] of gets) {
			const r = await c.get(path);
			const body = await r.text();
			expect(r.status, path).toBe(status);
			expect(body, path).toMatch(/[\u4e00-\u9fff]/);
			expect(body, path).not.toMatch(STACK);
		}
		const nul = await anon.post('/login', { account: '1380000\u00000007', password: 'x' });
		expect(nul.status).toBe(400);
		expect(await nul.text()).toContain('表单字段“account”含有不允许的控制字符');
		const badMultipart = await anon.request('/login', { method: 'POST', body: '--x\r\nnonsense', headers: { 'content-type': 'multipart/form-data; boundary=x' } });
		expect(badMultipart.status).toBe(400);
		expect(await badMultipart.text()).toContain('表单数据格式不正确');
		const badJson = await learner.request('/api/study/heartbeat', { method: 'POST', body: '{"a":', headers: { 'content-type': 'application/json', accept: 'application/json' } });
		expect(badJson.status).toBe(400);
		const nulJson = await learner.request('/api/exam/attempts/1/sync', { method: 'POST', body: JSON.stringify({ clientId: 'client-0001', answers: [{ seq: 1, slot: 1, response: 'a\u0000b' }], events: [] }), headers: { 'content-type': 'application/json', accept: 'application/json' } });
		expect(nulJson.status).toBe(400);
		expect((await nulJson.json()).message).toMatch(/控制字符/);
		// an id beyond int4 in a form field used to reach PostgreSQL ("out of range for type integer")
		const role = await learner.post('/account/role', { membership: '99999999999' });
		expect(role.status).toBe(404);
	});

	it('marks signed-in responses no-store and keeps static assets cacheable', async () => {
		const learner = new Client(server.url);
		const login = await learner.request('/login');
		expect(login.headers.get('cache-control')).toMatch(/no-store/);
		await learner.login('13800000007', PASSWORD);
		for (const path of ['/learner', '/learner/exams', '/learner/certificates']) {
			expect((await learner.get(path)).headers.get('cache-control'), path).toMatch(/no-store/);
		}
		const logout = await learner.post('/logout', {});
		expect(logout.headers.get('cache-control')).toMatch(/no-store/);
		const asset = readdirSync('build/client/_app/immutable/entry')[0]!;
		const r = await fetch(`${server.url}/_app/immutable/entry/${asset}`);
		expect(r.status).toBe(200);
		expect(r.headers.get('cache-control')).toMatch(/public.*immutable/);
	});

	it('sends a nonce-based Content-Security-Policy on every page', async () => {
		const learner = new Client(server.url);
		await learner.login('13800000007', PASSWORD);
		for (const [c, path] of [[new Client(server.url), '/login'], [new Client(server.url), '/verify'], [learner, '/learner'], [learner, '/learner/practice']] as const) {
			const r = await c.get(path);
			const csp = r.headers.get('content-security-policy') ?? '';
			const nonce = /script-src 'self' 'nonce-([^']+)'/.exec(csp)?.[1];
			expect(nonce, path).toBeTruthy();
			for (const d of ["default-src 'self'", "frame-ancestors 'none'", "base-uri 'self'", "form-action 'self'", "object-src 'self'", 'img-src \'self\' data: blob:']) expect(csp, path).toContain(d);
			const html = await r.text();
			for (const m of html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)) expect(m[1], path).toContain(`nonce="${nonce}"`);
		}
	});

	it('refuses forms posted from another site, and methods an endpoint lacks, in Chinese', async () => {
		for (const origin of ['http://evil.example', null]) {
			const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
			if (origin) headers.origin = origin;
			const r = await fetch(`${server.url}/login`, { method: 'POST', body: 'account=13800000007&password=x', headers, redirect: 'manual' });
			expect(r.status, String(origin)).toBe(403);
			const body = await r.text();
			expect(body).toContain('其他网站');
			expect(body).not.toMatch(/Cross-site|forbidden/i);
		}
		// JSON from our own pages is not a form: still accepted to be judged by the route
		const json = await fetch(`${server.url}/api/study/heartbeat`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json', origin: server.url } });
		expect(json.status).toBeLessThan(500);
		expect(await json.text()).not.toContain('其他网站');
		const wrongMethod = await fetch(`${server.url}/healthz`, { method: 'DELETE', headers: { origin: server.url } });
		expect(wrongMethod.status).toBe(405);
		const text = await wrongMethod.text();
		expect(text).toContain('不支持');
		expect(text).not.toMatch(/not allowed/i);
	});

	it('shows error pages in Chinese only', async () => {
		const r = await new Client(server.url).get('/no-such-page');
		expect(r.status).toBe(404);
		const html = await r.text();
		expect(html).toContain('页面不存在');
		expect(html).not.toMatch(/Not Found|Internal Error/);
	});

	it('refuses zip bombs named .xlsx with 400, bounded memory and a responsive /healthz', async () => {
		// built first: an idle keep-alive connection must not go stale while they are made
		// [what, archive, slowest /healthz allowed]: the 100,000-entry archive is a 10 MB upload whose
		// multipart parsing (not the guard: its directory count is refused at once) takes the time
		const bombs: [string, Buffer, number][] = [
			['1 GB of zeros', await honestBomb(), 1000],
			['1 GB of zeros declared as 1 KB', await lyingBomb(), 1000],
			['100,000 entries', manyEntries(), 2500]
		];
		const admin = new Client(server.url);
		await admin.login('13800000006', PASSWORD);
		for (const [what, bomb, allowedMs] of bombs) {
			await admin.get('/enterprise/staff/import'); // loads the route's code before the timing starts
			const form = new FormData();
			form.set('file', new Blob([new Uint8Array(bomb)], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }), '人员名单.xlsx');
			const before = rssOf(pid);
			const watch = watchRss(pid, 10);
			const post = admin.request('/enterprise/staff/import?/import', { method: 'POST', body: form });
			const slowest = await slowestWhile(`${server.url}/healthz`, post);
			const r = await post;
			const growth = watch.stop() - before;
			const body = await r.text();
			expect(r.status, what).toBe(400);
			expect(body, what).toContain('不能作为 Excel（.xlsx）导入');
			expect(slowest, what).toBeLessThan(allowedMs);
			expect(growth, what).toBeLessThan(100 * MB);
		}
	});
});
