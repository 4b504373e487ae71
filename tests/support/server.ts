import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Whether the production build (build/handler.js) is there. Specs that start the built server skip
 * without it — loudly, with the command to run, so a green run without a build is not mistaken for
 * a covered one. Call with the spec's import.meta.url.
 */
export function hasBuild(specUrl: string): boolean {
	if (existsSync('build/handler.js')) return true;
	const spec = basename(fileURLToPath(specUrl));
	console.warn(`\n⚠ ${spec}: built-server tests SKIPPED — there is no build/handler.js.\n  Run: npm run build && npx vitest run tests/integration/${spec}\n`);
	return false;
}

/** Whether TEST_DATABASE_URL is set; says so loudly when a PostgreSQL-only test is skipped. */
export function hasPostgres(specUrl: string): boolean {
	if (process.env.TEST_DATABASE_URL) return true;
	const spec = basename(fileURLToPath(specUrl));
	console.warn(`\n⚠ ${spec}: PostgreSQL-only tests SKIPPED — TEST_DATABASE_URL is not set.\n  Run: createdb -h 127.0.0.1 -U postgres anxun_test && TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/anxun_test npx vitest run tests/integration/${spec}\n`);
	return false;
}

export type RunningServer = { url: string; proc: ChildProcess; output: () => string; stop: () => Promise<void> };

/** A port the OS says is free right now (a fixed range collided with epmd's 4369 on CI). */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const probe = createServer();
		probe.once('error', reject);
		probe.listen(0, '127.0.0.1', () => {
			const address = probe.address();
			const port = typeof address === 'object' && address ? address.port : 0;
			probe.close(() => resolve(port));
		});
	});
}

/**
 * Starts the built app (scripts/serve.mjs over build/) and waits for /healthz. One server process
 * unless env.ANXUN_WORKERS says otherwise (serve.mjs would start one per core on PostgreSQL).
 */
export async function startServer(env: Record<string, string>): Promise<RunningServer> {
	const port = await freePort();
	const dataDir = env.ANXUN_DATA_DIR ?? mkdtempSync(join(tmpdir(), 'anxun-srv-'));
	let out = '';
	const proc = spawn(process.execPath, ['scripts/serve.mjs'], {
		env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ANXUN_DATA_DIR: dataDir, ANXUN_WORKERS: '1', ...env },
		stdio: ['ignore', 'pipe', 'pipe']
	});
	proc.stdout!.on('data', (d) => (out += d));
	proc.stderr!.on('data', (d) => (out += d));
	const url = `http://127.0.0.1:${port}`;
	// a demo-seeded start took ~90 s on a loaded 2-core machine
	const deadline = Date.now() + Number(process.env.TEST_SERVER_START_MS ?? 180_000);
	for (;;) {
		if (proc.exitCode !== null) throw new Error(`server exited: ${out}`);
		try {
			const r = await fetch(`${url}/healthz`);
			if (r.ok) break;
		} catch {
			/* not up yet */
		}
		if (Date.now() > deadline) throw new Error(`server did not start: ${out}`);
		await new Promise((r) => setTimeout(r, 200));
	}
	return {
		url,
		proc,
		output: () => out,
		stop: () =>
			new Promise((resolve) => {
				if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
				proc.once('exit', () => resolve());
				proc.kill('SIGTERM');
				setTimeout(() => proc.kill('SIGKILL'), 8000).unref();
			})
	};
}

/** A tiny cookie-keeping HTTP client for form posts, as a browser would send them. */
export class Client {
	cookie = '';
	constructor(readonly base: string) {}
	async request(path: string, init: RequestInit = {}): Promise<Response> {
		const headers = new Headers(init.headers);
		if (this.cookie) headers.set('cookie', this.cookie);
		headers.set('origin', this.base);
		if (!headers.has('accept')) headers.set('accept', 'text/html');
		const r = await fetch(this.base + path, { ...init, headers, redirect: 'manual' });
		const set = r.headers.getSetCookie();
		for (const c of set) {
			const [pair] = c.split(';');
			const [name, value] = pair!.split('=');
			if (name === 'anxun_session') this.cookie = value ? `${name}=${value}` : '';
			if (/expires=Thu, 01 Jan 1970/i.test(c) || /Max-Age=0/i.test(c)) this.cookie = '';
		}
		return r;
	}
	get(path: string) {
		return this.request(path);
	}
	post(path: string, form: Record<string, string>) {
		return this.request(path, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
	}
	async login(account: string, password: string) {
		const r = await this.post('/login', { account, password });
		if (r.status !== 303) throw new Error(`login ${account} failed: ${r.status} ${await r.text()}`);
		return r;
	}
}
