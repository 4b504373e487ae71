// Login answers over HTTP (built server): an unknown account and a known one with a wrong
// password get the same status, the same message and no cookie, attempt by attempt, through lockout.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { migrateToLatest, openDatabase } from '../../src/lib/server/db/index.ts';

const built = hasBuild(import.meta.url);

describe.skipIf(!built)('login does not reveal whether an account exists (built server)', () => {
	let server: RunningServer;
	let dir: string;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'anxun-login-'));
		// one known account in an otherwise empty database (the demo seed is slow to start)
		const database = await openDatabase({ kind: 'pglite', dataDir: dir });
		await migrateToLatest(database.db);
		await makeUser(database.db, { role: 'learner', orgId: await makeOrg(database.db, 'enterprise'), mobile: '13800000007' });
		await database.close();
		server = await startServer({ ANXUN_DATA_DIR: dir, ANXUN_SEED: 'none', ANXUN_KEY_ENCRYPTION_KEY: 'e'.repeat(64) });
	}, 180_000);
	afterAll(async () => {
		await server?.stop();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	async function attempt(account: string, password: string) {
		const r = await fetch(`${server.url}/login`, {
			method: 'POST',
			body: new URLSearchParams({ account, password }),
			headers: { 'content-type': 'application/x-www-form-urlencoded', origin: server.url, accept: 'text/html' },
			redirect: 'manual'
		});
		const html = await r.text();
		const alert = /role="alert"[^>]*>([^<]*)</.exec(html)?.[1] ?? null;
		return { status: r.status, alert, cookie: r.headers.getSetCookie().length > 0 };
	}

	it('answers a known account with a wrong password and an unknown account identically, before and after lockout', async () => {
		const known: unknown[] = [];
		const unknown: unknown[] = [];
		for (let i = 0; i < 6; i++) {
			known.push(await attempt('13800000007', `wrong-${i}`)); // the known account
			unknown.push(await attempt('13912340000', `wrong-${i}`));
		}
		expect(unknown).toEqual(known);
		expect(known[0]).toEqual({ status: 400, alert: '账号或密码错误。', cookie: false });
		expect(known[3]).toMatchObject({ status: 400, alert: expect.stringContaining('再错1次') });
		expect(known[5]).toMatchObject({ status: 429, alert: expect.stringContaining('账号已锁定15分钟'), cookie: false });
	});
});
