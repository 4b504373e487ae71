// Property-based walk of every page route and every +server.ts endpoint, found on disk (a new
// route is walked without touching this file), with hostile path parameters, query strings and
// bodies, as every role and anonymously: no answer may be a 5xx or show a stack trace.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import demoAccounts from '../../seeds/demo-accounts.json' with { type: 'json' };

const built = hasBuild(import.meta.url);
const SEED = 20261104;
const STACK = /\n\s+at [^\n]*:\d+:\d+|node_modules\/|\/build\/server\/|Internal Error/;

type Route = { id: string; page: boolean; endpoint: boolean; actions: string[] };

/** Every route under src/routes with its form actions (read from +page.server.ts). */
function routes(dir = 'src/routes', id = ''): Route[] {
	const out: Route[] = [];
	const files = readdirSync(dir);
	const pageServer = files.includes('+page.server.ts') ? readFileSync(join(dir, '+page.server.ts'), 'utf8') : '';
	const actionsBlock = /export const actions[^=]*=\s*\{([\s\S]*)\};?\s*$/.exec(pageServer)?.[1] ?? '';
	const actions = [...actionsBlock.matchAll(/^\t(\w+):/gm)].map((m) => m[1]!);
	if (files.some((f) => f === '+page.svelte' || f === '+page.server.ts' || f === '+server.ts')) {
		out.push({ id: id || '/', page: files.includes('+page.svelte') || !!pageServer, endpoint: files.includes('+server.ts'), actions });
	}
	for (const f of files) if (statSync(join(dir, f)).isDirectory()) out.push(...routes(join(dir, f), `${id}/${f}`));
	return out;
}

// Path parameters: numbers out of int4, signs, trailing garbage, unicode, control characters, long text.
const hostileSegment = fc.oneof(
	fc.constantFrom('1', '2147483647', '2147483648', '99999999999999999999', '-1', '0', '01', '1abc', '1e3', '1.5', '0x1F', '%00', '1%00', '%01', '%7F', '%C2%85', '%E4%B8%AD%E6%96%87', '%F0%9F%98%80', '%25', '..', '%2e%2e%2f', '%20', 'null', 'undefined', '[object Object]'),
	fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent),
	fc.integer({ min: -(2 ** 53), max: 2 ** 53 }).map(String),
	fc.constant('9'.repeat(400)),
	fc.constant('a'.repeat(3000))
);
const hostileValue = fc.oneof(hostileSegment, fc.constantFrom('', '%00', 'a%00b', '%0D%0A', '%EF%BF%BF', '-99999999999', '2026-13-45', '<script>', "'; drop table x;--"));
const QUERY_NAMES = ['q', 'page', 'year', 'bank', 'node', 'target', 'org', 'table', 'kp', 'difficulty', 'status', 'type', 'clientId', 'blueprint', 'imported', 'from', 'to', 'sort', 'x%00'];
const hostileQuery = fc.uniqueArray(fc.tuple(fc.constantFrom(...QUERY_NAMES), hostileValue), { maxLength: 4, selector: ([k]) => k }).map((pairs) => (pairs.length ? '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&') : ''));

type Body = { type: string | null; body: string };
const hostileBody = fc.oneof(
	fc.constant<Body>({ type: 'multipart/form-data; boundary=zz', body: '--zz\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end' }),
	fc.constant<Body>({ type: 'multipart/form-data', body: 'no boundary at all' }),
	fc.constant<Body>({ type: 'application/json', body: '{"a": [1, 2' }),
	fc.constant<Body>({ type: 'application/json', body: '{"clientId":"a\\u0000b","answers":[{"seq":1,"slot":1,"response":"\\u0000"}],"events":[]}' }),
	fc.constant<Body>({ type: 'text/plain', body: 'id=1' }),
	fc.constant<Body>({ type: null, body: '' }),
	fc.dictionary(fc.constantFrom('id', 'name', 'account', 'password', 'code', 'candidateId', 'membership', 'bankId', 'blueprintId', 'year', 'file', 'module_id', 'lesson_id', 'attempt', 'reason', 'title', 'minutes', 'kind'), hostileValue, { maxKeys: 5 }).map<Body>((d) => ({
		type: 'application/x-www-form-urlencoded',
		body: Object.entries(d).map(([k, v]) => `${k}=${v}`).join('&')
	}))
);

const ROLE_ACCOUNTS = [...new Map(demoAccounts.filter((a) => a.account !== '13800000009').map((a) => [a.role, a])).values()];

describe.skipIf(!built)('hostile input on every route, for every role (built server)', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({ ANXUN_WORKER_INTERVAL_MS: '0' });
	});
	afterAll(async () => server?.stop());

	it('finds the routes on disk', () => {
		const all = routes();
		expect(all.length).toBeGreaterThan(60);
		expect(all.some((r) => r.endpoint && r.id === '/api/exam/attempts/[attemptId]/sync')).toBe(true);
		expect(all.find((r) => r.id === '/login')?.actions).toEqual(['default']);
	});

	it('never answers 5xx or shows a stack trace', async () => {
		const failures: string[] = [];
		const all = routes();
		const clients: [string, Client][] = [['anonymous', new Client(server.url)]];
		for (const a of ROLE_ACCOUNTS) {
			const c = new Client(server.url);
			await c.login(a.account, a.password);
			clients.push([a.role, c]);
		}
		const check = async (who: string, c: Client, method: string, path: string, init: RequestInit = {}) => {
			let r: Response;
			try {
				r = await c.request(path, { method, ...init });
			} catch (e) {
				failures.push(`${who} ${method} ${path}: ${(e as Error).message}`);
				return;
			}
			const text = await r.text();
			// a file download (the offline verifier's source, a PDF) is content, not an error page
			const download = /^attachment/i.test(r.headers.get('content-disposition') ?? '');
			if (r.status >= 500 || (!download && STACK.test(text))) failures.push(`${who} ${method} ${path.slice(0, 200)} → ${r.status} ${text.slice(0, 200)}`);
		};
		let seed = SEED;
		for (const route of all) {
			const params = [...route.id.matchAll(/\[(\w+)\]/g)].length;
			const urls = fc.sample(fc.tuple(fc.array(hostileSegment, { minLength: params, maxLength: params }), hostileQuery), { seed: seed++, numRuns: 3 });
			const bodies = fc.sample(hostileBody, { seed: seed++, numRuns: 3 });
			for (const [who, c] of clients) {
				for (const [segments, query] of urls) {
					let i = 0;
					const path = route.id.replace(/\[\w+\]/g, () => segments[i++]!) + query;
					await check(who, c, 'GET', path);
				}
				// posts go to every action (not logout: it would end the walk's session)
				if (route.id === '/logout' && who !== 'anonymous') continue;
				const targets = route.page ? (route.actions.length ? route.actions.map((a) => (a === 'default' ? '' : `?/${a}`)) : ['']) : [''];
				const [segments] = urls[0]!;
				let i = 0;
				const base = route.id.replace(/\[\w+\]/g, () => (params > 0 && who !== 'anonymous' ? '1' : segments[i++]!));
				for (const [n, target] of targets.entries()) {
					const b = bodies[n % bodies.length]!;
					await check(who, c, 'POST', base + target, { body: b.body, headers: b.type ? { 'content-type': b.type } : {} });
				}
			}
		}
		expect(failures).toEqual([]);
	}, 600_000);
});
