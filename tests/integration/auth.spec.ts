import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, countAllRows, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser, TEST_PASSWORD } from '../support/factories.ts';
import { changePassword, describeLoginFailure, loginWithPassword, type LoginResult } from '../../src/lib/server/auth/login.ts';
import { createSession, validateSessionToken, SESSION_IDLE_MS } from '../../src/lib/server/auth/session.ts';
import { verifyPassword } from '../../src/lib/server/auth/password.ts';
import { IP_SLOW_THRESHOLD } from '../../src/lib/server/auth/lockout.ts';

const T0 = new Date('2026-11-26T08:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);

describe.each(BACKENDS)('login, lockout and sessions (%s)', (backend) => {
	let t: TestDatabase;
	let orgId: number;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		orgId = await makeOrg(t.db, 'enterprise');
	});
	afterAll(async () => t?.close());

	it('stores argon2id hashes and logs in with the right password', async () => {
		const u = await makeUser(t.db, { role: 'learner', orgId });
		const row = await t.db.selectFrom('users').select('password_hash').where('id', '=', u.id).executeTakeFirstOrThrow();
		expect(row.password_hash.startsWith('$argon2id$')).toBe(true);
		const r = await loginWithPassword(t.db, { account: u.mobile, password: TEST_PASSWORD, ip: '10.0.0.1', now: T0 });
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const v = await validateSessionToken(t.db, r.token, T0);
		expect(v?.user.id).toBe(u.id);
		expect(v?.user.membership?.role).toBe('learner');
		// only the hash of the secret is stored
		const stored = await t.db.selectFrom('sessions').selectAll().where('user_id', '=', u.id).executeTakeFirstOrThrow();
		expect(r.token.startsWith(`${stored.id}.`)).toBe(true);
		expect(Buffer.from(stored.secret_hash).toString('utf8')).not.toContain(r.token.split('.')[1]);
	});

	it('a wrong password writes only its audit entry', async () => {
		const u = await makeUser(t.db, { role: 'learner', orgId });
		const before = await countAllRows(t.db);
		const r = await loginWithPassword(t.db, { account: u.mobile, password: 'wrong', ip: '10.0.0.2', now: T0 });
		expect(r).toMatchObject({ ok: false, reason: 'invalid' });
		const after = await countAllRows(t.db);
		expect(after).toEqual({ ...before, audit_log: before.audit_log! + 1 });
		const last = await t.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
		expect(last.action).toBe('login.failed');
	});

	it('an unknown account is refused like a wrong password, and audited with a masked account', async () => {
		const before = await countAllRows(t.db);
		const r = await loginWithPassword(t.db, { account: '13999999999', password: 'x', ip: '10.0.0.3', now: T0 });
		expect(r).toMatchObject({ ok: false, reason: 'invalid', remaining: 4 });
		expect(await countAllRows(t.db)).toEqual({ ...before, audit_log: before.audit_log! + 1 });
		const last = await t.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
		expect(last.action).toBe('login.unknown_account');
		expect(JSON.stringify(last.detail)).toContain('139****9999');
	});

	it('answers an unknown account exactly like a known one with a wrong password, through lockout', async () => {
		const u = await makeUser(t.db, { role: 'learner', orgId });
		const unknown = '13955550000';
		const seen = (r: LoginResult) => (r.ok ? 'ok' : describeLoginFailure(r));
		const known: unknown[] = [];
		const stranger: unknown[] = [];
		// 5 failures, then 2 more while locked (one with the right password for the known account)
		for (let i = 0; i < 7; i++) {
			const password = i === 6 ? TEST_PASSWORD : 'bad';
			known.push(seen(await loginWithPassword(t.db, { account: u.mobile, password, ip: `10.7.0.${i}`, now: at(i) })));
			stranger.push(seen(await loginWithPassword(t.db, { account: unknown, password, ip: `10.7.1.${i}`, now: at(i) })));
		}
		expect(stranger).toEqual(known);
		expect(known[2]).toEqual({ status: 400, message: '账号或密码错误。再错2次，该账号将被锁定15分钟。' });
		expect(known[4]).toMatchObject({ status: 429 });
		expect(known[6]).toMatchObject({ status: 429 });
		// after the lock both are refused the same way again, and the known account can sign in
		expect(seen(await loginWithPassword(t.db, { account: unknown, password: 'bad', ip: '10.7.2.1', now: at(20) }))).toEqual({ status: 400, message: '账号或密码错误。' });
		expect((await loginWithPassword(t.db, { account: u.mobile, password: TEST_PASSWORD, ip: '10.7.2.2', now: at(20) })).ok).toBe(true);
	});

	it('takes as long for an unknown account as for a wrong password', async () => {
		const u = await makeUser(t.db, { role: 'learner', orgId });
		const time = async (account: string, i: number) => {
			const started = performance.now();
			await loginWithPassword(t.db, { account, password: `bad-${i}`, ip: '10.8.0.1', now: at(100 + i * 20) });
			return performance.now() - started;
		};
		const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
		const known: number[] = [];
		const unknown: number[] = [];
		for (let i = 0; i < 7; i++) {
			known.push(await time(u.mobile, i));
			unknown.push(await time('13955551111', i));
		}
		// The argon2 verify (~50 ms) dominates; without the dummy verify the unknown path takes a few ms.
		const [k, n] = [median(known), median(unknown)];
		expect(n / k, `known ${k.toFixed(1)} ms, unknown ${n.toFixed(1)} ms`).toBeGreaterThan(0.6);
		expect(n / k, `known ${k.toFixed(1)} ms, unknown ${n.toFixed(1)} ms`).toBeLessThan(1.6);
	});

	it('locks the account for 15 minutes after 5 failures in 15 minutes, even for the right password', async () => {
		const u = await makeUser(t.db, { role: 'learner', orgId });
		for (let i = 0; i < 4; i++) {
			const r = await loginWithPassword(t.db, { account: u.mobile, password: 'bad', ip: '10.0.1.1', now: at(i * 2) });
			expect(r).toMatchObject({ ok: false, reason: 'invalid', remaining: 4 - i });
		}
		const fifth = await loginWithPassword(t.db, { account: u.mobile, password: 'bad', ip: '10.0.1.1', now: at(10) });
		expect(fifth).toMatchObject({ ok: false, reason: 'locked' });
		if (fifth.ok || fifth.reason !== 'locked') return;
		expect(fifth.until.toISOString()).toBe(at(25).toISOString());
		const whileLocked = await loginWithPassword(t.db, { account: u.mobile, password: TEST_PASSWORD, ip: '10.0.1.1', now: at(24) });
		expect(whileLocked).toMatchObject({ ok: false, reason: 'locked' });
		const afterwards = await loginWithPassword(t.db, { account: u.mobile, password: TEST_PASSWORD, ip: '10.0.1.1', now: at(25.1) });
		expect(afterwards.ok).toBe(true);
	});

	it('five failures spread over more than 15 minutes do not lock', async () => {
		const u = await makeUser(t.db, { role: 'learner', orgId });
		for (let i = 0; i < 5; i++) {
			const r = await loginWithPassword(t.db, { account: u.mobile, password: 'bad', ip: '10.0.2.1', now: at(i * 5) });
			expect(r.ok === false && r.reason).toBe('invalid');
		}
		expect((await loginWithPassword(t.db, { account: u.mobile, password: TEST_PASSWORD, ip: '10.0.2.1', now: at(21) })).ok).toBe(true);
	});

	it('slows an IP after 20 failures in 15 minutes', async () => {
		let last;
		for (let i = 0; i <= IP_SLOW_THRESHOLD; i++) {
			last = await loginWithPassword(t.db, { account: `1360000${String(i).padStart(4, '0')}`, password: 'x', ip: '10.9.9.9', now: at(i * 0.1) });
		}
		expect(last?.ipSlowed).toBe(true);
		const other = await loginWithPassword(t.db, { account: '13600009999', password: 'x', ip: '10.9.9.8', now: at(3) });
		expect(other.ipSlowed).toBe(false);
	});

	it('refuses a disabled account', async () => {
		const u = await makeUser(t.db, { role: 'learner', orgId, disabled: true });
		expect(await loginWithPassword(t.db, { account: u.mobile, password: TEST_PASSWORD, ip: '10.0.3.1', now: T0 })).toMatchObject({ ok: false, reason: 'disabled' });
	});

	it('rejects forged, malformed and expired tokens; slides the expiry while used', async () => {
		const u = await makeUser(t.db, { role: 'learner', orgId });
		const { token } = await createSession(t.db, u.id, null, T0);
		const [id, secret] = token.split('.') as [string, string];
		const forged = `${id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`;
		expect(await validateSessionToken(t.db, forged, T0)).toBeNull();
		expect(await validateSessionToken(t.db, 'garbage', T0)).toBeNull();
		expect(await validateSessionToken(t.db, `${id}.${secret}.x`, T0)).toBeNull();
		// used after 4 days: extended to 7 days from then
		const later = new Date(T0.getTime() + 4 * 86_400_000);
		const v = await validateSessionToken(t.db, token, later);
		expect(v?.session.expiresAt.getTime()).toBe(later.getTime() + SESSION_IDLE_MS);
		// idle for more than 7 days: gone
		const expired = new Date(later.getTime() + SESSION_IDLE_MS + 1);
		expect(await validateSessionToken(t.db, token, expired)).toBeNull();
		expect(await t.db.selectFrom('sessions').select('id').where('id', '=', id).executeTakeFirst()).toBeUndefined();
	});

	it('flags accounts that must change their password, and changing it signs out other devices', async () => {
		const u = await makeUser(t.db, { role: 'learner', orgId, mustChange: true });
		const r1 = await loginWithPassword(t.db, { account: u.mobile, password: TEST_PASSWORD, ip: '10.0.4.1', now: T0 });
		const r2 = await loginWithPassword(t.db, { account: u.mobile, password: TEST_PASSWORD, ip: '10.0.4.2', now: T0 });
		expect(r1.ok && r1.mustChangePassword).toBe(true);
		if (!r1.ok || !r2.ok) return;
		const s1 = (await validateSessionToken(t.db, r1.token, T0))!;
		expect(await changePassword(t.db, { userId: u.id, sessionId: s1.session.id, current: 'nope', next: 'NewPass123', ip: 'x', now: T0 })).toEqual({ ok: false, reason: 'wrong_current' });
		expect(await changePassword(t.db, { userId: u.id, sessionId: s1.session.id, current: TEST_PASSWORD, next: 'NewPass123', ip: 'x', now: T0 })).toEqual({ ok: true });
		expect((await validateSessionToken(t.db, r1.token, T0))?.user.mustChangePassword).toBe(false);
		expect(await validateSessionToken(t.db, r2.token, T0)).toBeNull();
		const row = await t.db.selectFrom('users').select('password_hash').where('id', '=', u.id).executeTakeFirstOrThrow();
		expect(await verifyPassword(row.password_hash, 'NewPass123')).toBe(true);
		const actions = await t.db.selectFrom('audit_log').select('action').where('target', '=', `user:${u.id}`).execute();
		expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['login.ok', 'password.change_failed', 'password.changed']));
	});
});
