import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrations } from '../../migrations/index.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, startServer, type RunningServer, hasBuild, hasPostgres } from '../support/server.ts';
import { createEmptyPostgresDatabase, dropPostgresDatabase } from '../support/db.ts';
import { openDatabase } from '../../src/lib/server/db/index.ts';

const built = hasBuild(import.meta.url);

describe.skipIf(!built || !hasPostgres(import.meta.url))('two instances on one PostgreSQL', () => {
	let url: string;
	let a: RunningServer;
	let b: RunningServer;
	beforeAll(async () => {
		url = await createEmptyPostgresDatabase();
		// started together: migrations and the demo seed must not run twice
		[a, b] = await Promise.all([startServer({ DATABASE_URL: url }), startServer({ DATABASE_URL: url })]);
	});
	afterAll(async () => {
		await Promise.all([a?.stop(), b?.stop()]);
		if (url) await dropPostgresDatabase(url);
	});

	it('both report PostgreSQL', async () => {
		for (const s of [a, b]) expect(await (await fetch(`${s.url}/healthz`)).json()).toEqual({ ok: true, db: 'postgres', migrations: Object.keys(migrations).length });
	});

	it('a session made on one instance works on the other; logout on the other ends it', async () => {
		const onA = new Client(a.url);
		await onA.login('13800000006', 'Anxun@2026');
		const onB = new Client(b.url);
		onB.cookie = onA.cookie;
		const page = await onB.get('/enterprise');
		expect(page.status).toBe(200);
		expect(await page.text()).toContain('重庆渝北精工机械有限公司');
		expect((await onB.post('/logout', {})).status).toBe(303);
		const again = new Client(a.url);
		again.cookie = onA.cookie;
		expect((await again.get('/enterprise')).status).toBe(303);
	});

	it('the lockout counts failures across instances', async () => {
		const ca = new Client(a.url);
		const cb = new Client(b.url);
		for (let i = 0; i < 5; i++) await (i % 2 ? cb : ca).post('/login', { account: '13800000010', password: 'wrong' });
		const r = await ca.post('/login', { account: '13800000010', password: 'Anxun@2026' });
		expect(r.status).toBe(429);
		expect(await r.text()).toContain('账号已锁定15分钟');
	});
});

describe('embedded database directory lock', () => {
	it('a second opener gets a clear Chinese error instead of a corrupt directory', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'anxun-lock-'));
		const first = await openDatabase({ kind: 'pglite', dataDir: dir });
		await expect(openDatabase({ kind: 'pglite', dataDir: dir })).rejects.toThrow(/数据目录 .* 已在本进程中打开/);
		await first.close();
		const again = await openDatabase({ kind: 'pglite', dataDir: dir });
		await again.close();
	});

	it.skipIf(!built)('a second server process on the same directory exits with the message', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'anxun-lock-'));
		const s1 = await startServer({ ANXUN_DATA_DIR: dir });
		try {
			await expect(startServer({ ANXUN_DATA_DIR: dir })).rejects.toThrow(/正被另一个进程（PID \d+）使用/);
		} finally {
			await s1.stop();
		}
		// the lock is released on a clean stop: the directory opens again, with the data kept
		const s2 = await startServer({ ANXUN_DATA_DIR: dir });
		const c = new Client(s2.url);
		await c.login('13800000001', 'Anxun@2026');
		await s2.stop();
	});
});
