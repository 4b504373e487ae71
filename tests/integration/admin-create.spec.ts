import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BACKENDS, countAllRows, createEmptyPostgresDatabase, createTestDatabase, dropPostgresDatabase, type TestDatabase } from '../support/db.ts';
import { seedReference } from '../../seeds/index.ts';
import { createPlatformAdmin } from '../../src/lib/server/admin/create-platform-admin.ts';
import { loginWithPassword } from '../../src/lib/server/auth/login.ts';
import { validateSessionToken } from '../../src/lib/server/auth/session.ts';
import { openDatabase } from '../../src/lib/server/db/index.ts';
import { hasPostgres } from '../support/server.ts';

const T0 = new Date('2026-12-05T08:00:00Z');
const run = promisify(execFile);

describe.each(BACKENDS)('npm run admin:create — the first platform admin (%s)', (backend) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		await seedReference(t.db); // ANXUN_SEED=reference: no organisations at all
	});
	afterAll(async () => t?.close());

	it('creates the platform organisation and an admin whose one-time password must be changed', async () => {
		expect(await t.db.selectFrom('organisations').select('id').execute()).toEqual([]);
		const r = await createPlatformAdmin(t.db, { mobile: '13900001111', name: '运营甲', now: T0 });
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.password).toMatch(/^(?=.*[A-Za-z])(?=.*\d)[A-Za-z\d]{12}$/);
		const user = await t.db.selectFrom('users').selectAll().where('mobile', '=', '13900001111').executeTakeFirstOrThrow();
		expect(user).toMatchObject({ display_name: '运营甲', person_id: null, must_change_password: true, disabled: false });
		expect(user.password_hash).not.toContain(r.password);
		const m = await t.db.selectFrom('memberships as m').innerJoin('organisations as o', 'o.id', 'm.org_id').select(['m.role', 'o.kind']).where('m.user_id', '=', user.id).execute();
		expect(m).toEqual([{ role: 'platform_admin', kind: 'platform' }]);
		const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.created').where('target', '=', `user:${user.id}`).executeTakeFirstOrThrow();
		expect(audit.detail).toMatchObject({ role: 'platform_admin', mobile: '139****1111', mustChangePassword: true });

		const login = await loginWithPassword(t.db, { account: '13900001111', password: r.password, ip: '10.1.0.1', now: T0 });
		expect(login).toMatchObject({ ok: true, mustChangePassword: true });
		if (!login.ok) return;
		expect((await validateSessionToken(t.db, login.token, T0))?.user.membership?.role).toBe('platform_admin');
	});

	it('a second admin joins the same platform organisation', async () => {
		const r = await createPlatformAdmin(t.db, { mobile: '13900002222', name: '运营乙', now: T0 });
		expect(r.ok).toBe(true);
		expect(await t.db.selectFrom('organisations').select('id').where('kind', '=', 'platform').execute()).toHaveLength(1);
	});

	it('refuses an account that exists and writes nothing', async () => {
		const before = await countAllRows(t.db);
		const r = await createPlatformAdmin(t.db, { mobile: '13900001111', name: '冒名', now: T0 });
		expect(r).toEqual({ ok: false, errors: { mobile: expect.stringContaining('已有账号') } });
		expect(await countAllRows(t.db)).toEqual(before);
	});
});

describe('the admin:create command', () => {
	const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
	const script = join(process.cwd(), 'scripts/admin-create.ts');
	const bare = { ...process.env, DATABASE_URL: '', ANXUN_DATA_DIR: '' };

	it('refuses bad arguments in Chinese', async () => {
		const r = await run(tsx, [script, '--account', '123', '--name', '张三'], { env: bare }).catch((e: { code: number; stderr: string }) => e);
		expect('code' in r && r.code).toBe(2);
		expect(r.stderr).toContain('手机号格式不正确');
	});

	it('creates the admin in a PGlite data directory, prints the password once, and refuses a second time', { timeout: 120_000 }, async () => {
		const dir = mkdtempSync(join(tmpdir(), 'anxun-admin-'));
		try {
			const env = { ...bare, ANXUN_DATA_DIR: dir };
			const first = await run(tsx, [script, '--account', '13900003333', '--name', '运营丙'], { env });
			const password = /一次性密码：(\S+)/.exec(first.stdout)?.[1];
			expect(password).toBeTruthy();
			const again = await run(tsx, [script, '--account', '13900003333', '--name', '运营丙'], { env }).catch((e: { code: number; stdout: string; stderr: string }) => e);
			expect('code' in again && again.code).toBe(1);
			expect(again.stderr).toContain('已有账号');
			expect(again.stdout).not.toContain('一次性密码');
			const database = await openDatabase({ kind: 'pglite', dataDir: dir });
			try {
				const login = await loginWithPassword(database.db, { account: '13900003333', password: password!, ip: '10.1.0.2', now: new Date() });
				expect(login).toMatchObject({ ok: true, mustChangePassword: true });
			} finally {
				await database.close();
			}
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it.skipIf(!hasPostgres(import.meta.url))('creates the admin on DATABASE_URL', { timeout: 120_000 }, async () => {
		const url = await createEmptyPostgresDatabase();
		try {
			const out = await run(tsx, [script, '--account', '13900004444', '--name', '运营丁'], { env: { ...bare, DATABASE_URL: url } });
			expect(out.stdout).toContain('db=postgres');
			expect(out.stdout).toMatch(/一次性密码：\S+/);
		} finally {
			await dropPostgresDatabase(url);
		}
	});
});
