import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { Client, startServer, type RunningServer, hasBuild, hasPostgres } from '../support/server.ts';
import { createEmptyPostgresDatabase, dropPostgresDatabase } from '../support/db.ts';

const built = hasBuild(import.meta.url);

/** The server's worker processes (children of scripts/serve.mjs), with their environment. */
function workers(s: RunningServer): { pid: number; env: string }[] {
	let out = '';
	try {
		out = execFileSync('pgrep', ['-P', String(s.proc.pid)], { encoding: 'utf8' });
	} catch {
		return []; // pgrep exits 1 when there are none
	}
	return out
		.split('\n')
		.filter(Boolean)
		.map((pid) => ({ pid: Number(pid), env: readFileSync(`/proc/${pid}/environ`, 'utf8') }));
}

async function until(check: () => boolean, ms = 150_000): Promise<void> {
	const end = Date.now() + ms;
	while (!check()) {
		if (Date.now() > end) throw new Error('timed out');
		await new Promise((r) => setTimeout(r, 200));
	}
}

describe.skipIf(!built || !hasPostgres(import.meta.url))('worker processes on PostgreSQL (ANXUN_WORKERS)', () => {
	let url: string;
	let s: RunningServer;
	beforeAll(async () => {
		url = await createEmptyPostgresDatabase();
		s = await startServer({ DATABASE_URL: url, ANXUN_WORKERS: '2' });
		await until(() => workers(s).length === 2 && s.output().includes('2 个工作进程'));
	});
	afterAll(async () => {
		await s?.stop();
		if (url) await dropPostgresDatabase(url);
	});

	it('runs two workers, and the background loop in exactly one of them', () => {
		const ws = workers(s);
		expect(ws).toHaveLength(2);
		expect(ws.filter((w) => w.env.split('\0').includes('ANXUN_WORKER_INTERVAL_MS=0'))).toHaveLength(1);
	});

	it('a logout is seen by every worker at once (the session cache is invalidated across processes)', async () => {
		const c = new Client(s.url);
		await c.login('13800000006', 'Anxun@2026');
		const cookie = c.cookie;
		// fresh connections are spread over the workers: each caches the session
		for (let i = 0; i < 10; i++) {
			const r = await fetch(`${s.url}/enterprise`, { headers: { cookie, connection: 'close' }, redirect: 'manual' });
			expect(r.status).toBe(200);
		}
		expect((await c.post('/logout', {})).status).toBe(303);
		for (let i = 0; i < 10; i++) {
			const r = await fetch(`${s.url}/enterprise`, { headers: { cookie, connection: 'close' }, redirect: 'manual' });
			expect(r.status).toBe(303);
		}
	});

	it('keeps a browser on its connection (and so its worker) between autosaves, for longer than Node’s default 5 s', async () => {
		const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
		const get = () =>
			new Promise<{ status: number; keepAlive: string; reused: boolean }>((resolve, reject) => {
				const req = http.get(`${s.url}/healthz`, { agent }, (res) => {
					res.resume();
					res.on('end', () => resolve({ status: res.statusCode ?? 0, keepAlive: String(res.headers['keep-alive']), reused: req.reusedSocket }));
				});
				req.on('error', reject);
			});
		try {
			const first = await get();
			expect(first).toMatchObject({ status: 200, reused: false });
			expect(first.keepAlive).toBe('timeout=75');
			await new Promise((r) => setTimeout(r, 6000));
			expect(await get()).toMatchObject({ status: 200, reused: true });
		} finally {
			agent.destroy();
		}
	}, 30_000);

	it('a worker killed with SIGKILL is replaced and the server keeps answering', async () => {
		const [victim] = workers(s);
		process.kill(victim!.pid, 'SIGKILL');
		// a request that reached the victim as it died may fail; the next ones are answered by the survivor
		let ok = 0;
		for (let i = 0; i < 10 && ok < 5; i++) {
			const r = await fetch(`${s.url}/healthz`, { signal: AbortSignal.timeout(10_000) }).catch(() => null);
			if (r?.status === 200) ok++;
		}
		expect(ok).toBe(5);
		await until(() => workers(s).length === 2 && !workers(s).some((w) => w.pid === victim!.pid));
		// the background loop still runs in exactly one worker
		expect(workers(s).filter((w) => w.env.split('\0').includes('ANXUN_WORKER_INTERVAL_MS=0'))).toHaveLength(1);
	}, 180_000);
});

describe.skipIf(!built)('worker processes on PGlite', () => {
	it('stay one process whatever ANXUN_WORKERS says (the embedded database is single-process)', async () => {
		const s = await startServer({ ANXUN_WORKERS: '4', ANXUN_SEED: 'reference' });
		try {
			expect(workers(s)).toHaveLength(0);
			expect((await fetch(`${s.url}/healthz`)).status).toBe(200);
		} finally {
			await s.stop();
		}
	});
});
