// Accounts and roles (issue 12): admins manage their own organisation's accounts; reset codes;
// self-service recovery through the outbound queue; a user's own sessions.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser, TEST_PASSWORD } from '../support/factories.ts';
import { createAccount, endAccountSessions, grantRole, issueResetCode, resolveManagedOrg, revokeRole, setDisabled } from '../../src/lib/server/accounts/account-admin.ts';
import type { ScopedActor } from '../../src/lib/server/audit/actor.ts';
import { findOrganisation, type OrgRow } from '../../src/lib/server/accounts/accounts.repository.ts';
import { requestSelfReset, resetFailureMessage, resetPassword, SELF_RESET_PER_HOUR } from '../../src/lib/server/accounts/password-reset.ts';
import { endOwnSession, listOwnSessions } from '../../src/lib/server/accounts/own-sessions.ts';
import { loginWithPassword } from '../../src/lib/server/auth/login.ts';
import { createSession, seenIntervalMs, validateSessionToken } from '../../src/lib/server/auth/session.ts';
import { verifyPassword } from '../../src/lib/server/auth/password.ts';

const T0 = new Date('2026-12-05T02:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const NEW_PASSWORD = 'Renewed2026';
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';
const WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36';

describe.each(BACKENDS)('accounts and roles (%s)', (backend) => {
	let t: TestDatabase;
	let enterprise: OrgRow;
	let otherEnterprise: OrgRow;
	let admin: ScopedActor;
	let ipSeq = 0;
	const ip = () => `10.9.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;
	let mobileSeq = 0;
	const mobile = () => `135${String(++mobileSeq).padStart(8, '0')}`;

	async function countRows(table: 'memberships' | 'outbound_messages' | 'sessions' | 'password_resets', where: Record<string, unknown> = {}) {
		let q = t.db.selectFrom(table as 'sessions').select((eb) => eb.fn.countAll<number>().as('n'));
		for (const [k, v] of Object.entries(where)) q = q.where(k as 'user_id', '=', v as number);
		return Number((await q.executeTakeFirstOrThrow()).n);
	}
	async function newAccount() {
		const r = await createAccount(t.db, admin, enterprise, { name: '新账号', mobile: mobile(), role: 'enterprise_admin' }, T0);
		if (!r.ok) throw new Error(r.message);
		return r;
	}
	async function loginToken(account: string, password = TEST_PASSWORD, now = T0, userAgent: string | null = WINDOWS) {
		const r = await loginWithPassword(t.db, { account, password, ip: ip(), now, userAgent });
		if (!r.ok) throw new Error(`login failed: ${r.reason}`);
		return r;
	}

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		enterprise = (await findOrganisation(t.db, await makeOrg(t.db, 'enterprise')))!;
		otherEnterprise = (await findOrganisation(t.db, await makeOrg(t.db, 'enterprise')))!;
		const a = await makeUser(t.db, { role: 'enterprise_admin', orgId: enterprise.id, mobile: mobile() });
		admin = { userId: a.id, role: 'enterprise_admin', orgId: enterprise.id, personId: null, ip: '10.9.255.1' };
	}, 120_000);
	afterAll(async () => t?.close());

	it('keeps an enterprise admin to enterprise roles and to their own organisation', async () => {
		const before = await countRows('memberships');
		const regulatorAccount = await createAccount(t.db, admin, enterprise, { name: '冒充监管', mobile: mobile(), role: 'regulator' }, T0);
		expect(regulatorAccount).toMatchObject({ ok: false, status: 400, field: 'role' });
		expect(!regulatorAccount.ok && regulatorAccount.message).toContain('只能授予');

		const created = await newAccount();
		const grant = await grantRole(t.db, admin, enterprise, created.userId, 'regulator', T0);
		expect(grant).toMatchObject({ ok: false, status: 403 });
		const grantPlatform = await grantRole(t.db, admin, enterprise, created.userId, 'platform_admin', T0);
		expect(grantPlatform).toMatchObject({ ok: false, status: 403 });
		expect(await countRows('memberships')).toBe(before + 1); // only the created account's one role

		// another organisation: ?org= is refused, and its accounts do not exist for this admin
		expect(await resolveManagedOrg(t.db, admin, otherEnterprise.id)).toBeNull();
		expect((await resolveManagedOrg(t.db, { role: 'platform_admin', orgId: enterprise.id }, otherEnterprise.id))?.id).toBe(otherEnterprise.id);
		const foreign = await makeUser(t.db, { role: 'learner', orgId: otherEnterprise.id });
		expect(await grantRole(t.db, admin, enterprise, foreign.id, 'enterprise_admin', T0)).toMatchObject({ ok: false, status: 404 });
		expect(await setDisabled(t.db, admin, enterprise, foreign.id, true, T0)).toMatchObject({ ok: false, status: 404 });
		expect(await issueResetCode(t.db, admin, enterprise, foreign.id, T0)).toMatchObject({ ok: false, status: 404 });
		expect(await countRows('memberships', { user_id: foreign.id })).toBe(1);

		// an account that also holds a role elsewhere: roles here yes, account-wide actions no
		await t.db.insertInto('memberships').values({ user_id: foreign.id, role: 'enterprise_admin', org_id: enterprise.id }).execute();
		expect(await setDisabled(t.db, admin, enterprise, foreign.id, true, T0)).toMatchObject({ ok: false, status: 403 });
		expect(await issueResetCode(t.db, admin, enterprise, foreign.id, T0)).toMatchObject({ ok: false, status: 403 });

		const audit = await t.db.selectFrom('audit_log').select(['action', 'target']).where('action', 'like', 'account.%').execute();
		expect(audit).toContainEqual({ action: 'account.create', target: `user:${created.userId}` });
		expect(audit.filter((a) => a.action === 'account.role_grant')).toHaveLength(0);
	});

	it('grants and revokes roles, but never an admin\'s own last admin role or an account\'s last role here', async () => {
		const created = await newAccount();
		// learner only for a person on the organisation's list
		expect(await grantRole(t.db, admin, enterprise, created.userId, 'learner', T0)).toMatchObject({ ok: false, field: 'role' });
		expect(await revokeRole(t.db, admin, enterprise, created.userId, 'enterprise_admin', T0)).toMatchObject({ ok: false, message: expect.stringContaining('最后一个角色') });
		expect(await revokeRole(t.db, admin, enterprise, admin.userId, 'enterprise_admin', T0)).toMatchObject({ ok: false, message: '不能撤销您自己最后一个管理员角色' });

		const person = await t.db
			.insertInto('persons')
			.values({ name: '学员甲', id_number: '11010519491231002X', mobile: mobile(), org_id: enterprise.id, role_category: 'frontline' })
			.returning(['id', 'mobile'])
			.executeTakeFirstOrThrow();
		const learnerAdmin = await createAccount(t.db, admin, enterprise, { name: '学员甲', mobile: person.mobile!, role: 'enterprise_admin' }, T0);
		expect(learnerAdmin.ok).toBe(true);
		if (!learnerAdmin.ok) return;
		expect(await grantRole(t.db, admin, enterprise, learnerAdmin.userId, 'learner', T0)).toEqual({ ok: true });
		const session = await createSession(t.db, learnerAdmin.userId, (await t.db.selectFrom('memberships').select('id').where('user_id', '=', learnerAdmin.userId).where('role', '=', 'enterprise_admin').executeTakeFirstOrThrow()).id, T0);
		expect(await revokeRole(t.db, admin, enterprise, learnerAdmin.userId, 'enterprise_admin', T0)).toEqual({ ok: true });
		const roles = await t.db.selectFrom('memberships').select('role').where('user_id', '=', learnerAdmin.userId).execute();
		expect(roles).toEqual([{ role: 'learner' }]);
		// the session that acted as the revoked role now acts as the remaining one
		expect((await validateSessionToken(t.db, session.token, T0))?.user.membership?.role).toBe('learner');
		const audit = await t.db.selectFrom('audit_log').select('action').where('target', '=', `user:${learnerAdmin.userId}`).orderBy('id').execute();
		expect(audit.map((a) => a.action)).toEqual(['account.create', 'account.role_grant', 'account.role_revoke']);
	});

	it('creates accounts that must change the password at first login, and records the last login', async () => {
		const m = mobile();
		const r = await createAccount(t.db, admin, enterprise, { name: '钱新', mobile: m, role: 'enterprise_admin' }, T0);
		if (!r.ok) throw new Error(r.message);
		expect(r.initialPassword).toMatch(/^(?=.*[A-Za-z])(?=.*\d).{10}$/);
		const again = await createAccount(t.db, admin, enterprise, { name: '钱新', mobile: m, role: 'enterprise_admin' }, T0);
		expect(again).toMatchObject({ ok: false, field: 'mobile' });
		const login = await loginToken(m, r.initialPassword, at(5));
		expect(login.mustChangePassword).toBe(true);
		const user = await t.db.selectFrom('users').select(['last_login_at', 'must_change_password']).where('id', '=', r.userId).executeTakeFirstOrThrow();
		expect(user).toEqual({ last_login_at: at(5), must_change_password: true });
		expect((await validateSessionToken(t.db, login.token, at(5)))?.user.mustChangePassword).toBe(true);
	});

	it('refuses a disabled account at login, ends its sessions, keeps its records, and re-enables it', async () => {
		const m = mobile();
		const u = await makeUser(t.db, { role: 'enterprise_admin', orgId: enterprise.id, mobile: m });
		const s1 = await loginToken(m);
		const s2 = await loginToken(m);
		expect(await countRows('sessions', { user_id: u.id })).toBe(2);
		expect(await setDisabled(t.db, admin, enterprise, admin.userId, true, T0)).toMatchObject({ ok: false, message: '不能停用您自己的账号' });
		expect(await setDisabled(t.db, admin, enterprise, u.id, true, at(1))).toEqual({ ok: true, changed: true });
		expect(await countRows('sessions', { user_id: u.id })).toBe(0);
		expect(await validateSessionToken(t.db, s1.token, at(2))).toBeNull();
		expect(await validateSessionToken(t.db, s2.token, at(2))).toBeNull();
		const refused = await loginWithPassword(t.db, { account: m, password: TEST_PASSWORD, ip: ip(), now: at(3) });
		expect(refused).toMatchObject({ ok: false, reason: 'disabled' });
		const row = await t.db.selectFrom('users').select(['disabled', 'disabled_at']).where('id', '=', u.id).executeTakeFirstOrThrow();
		expect(row).toEqual({ disabled: true, disabled_at: at(1) });
		expect(await countRows('memberships', { user_id: u.id })).toBe(1);
		// a reset code for a disabled account is refused
		expect(await issueResetCode(t.db, admin, enterprise, u.id, T0)).toMatchObject({ ok: false, message: expect.stringContaining('已停用') });

		expect(await setDisabled(t.db, admin, enterprise, u.id, false, at(4))).toEqual({ ok: true, changed: true });
		expect((await loginWithPassword(t.db, { account: m, password: TEST_PASSWORD, ip: ip(), now: at(5) })).ok).toBe(true);
		const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('target', '=', `user:${u.id}`).where('action', 'in', ['account.disable', 'account.enable']).orderBy('id').execute();
		expect(audit).toEqual([
			{ action: 'account.disable', actor_user_id: admin.userId },
			{ action: 'account.enable', actor_user_id: admin.userId }
		]);
	});

	it('lets an admin end every session of an account', async () => {
		const m = mobile();
		const u = await makeUser(t.db, { role: 'enterprise_admin', orgId: enterprise.id, mobile: m });
		const s = await loginToken(m);
		await loginToken(m);
		expect(await endAccountSessions(t.db, admin, enterprise, u.id, T0)).toEqual({ ok: true, ended: 2 });
		expect(await validateSessionToken(t.db, s.token, T0)).toBeNull();
		expect(await endAccountSessions(t.db, admin, otherEnterprise, u.id, T0)).toMatchObject({ ok: false, status: 404 });
	});

	it('accepts an admin-issued reset code once, within 24 hours, and only the newest one', async () => {
		const m = mobile();
		const u = await makeUser(t.db, { role: 'enterprise_admin', orgId: enterprise.id, mobile: m });
		const old = await loginToken(m);
		const issued = await issueResetCode(t.db, admin, enterprise, u.id, T0);
		if (!issued.ok) throw new Error(issued.message);
		expect(issued.code).toMatch(/^[2-9A-HJ-NP-Z]{8}$/);
		expect(issued.expiresAt).toEqual(at(24 * 60));
		const stored = await t.db.selectFrom('password_resets').selectAll().where('user_id', '=', u.id).execute();
		expect(stored).toHaveLength(1);
		expect(stored[0]).toMatchObject({ channel: 'admin', issued_by: admin.userId, used_at: null });
		expect(stored[0]!.code_hash).not.toContain(issued.code);

		const wrong = await resetPassword(t.db, { account: m, code: 'ZZZZZZZZ', password: NEW_PASSWORD, ip: ip(), now: at(1) });
		expect(wrong).toEqual({ ok: false, reason: 'mismatch' });
		const first = await resetPassword(t.db, { account: m, code: issued.code.toLowerCase(), password: NEW_PASSWORD, ip: ip(), now: at(2) });
		expect(first).toEqual({ ok: true, userId: u.id });
		const user = await t.db.selectFrom('users').select(['password_hash', 'must_change_password']).where('id', '=', u.id).executeTakeFirstOrThrow();
		expect(await verifyPassword(user.password_hash, NEW_PASSWORD)).toBe(true);
		expect(user.must_change_password).toBe(false);
		expect(await validateSessionToken(t.db, old.token, at(2))).toBeNull();

		const twice = await resetPassword(t.db, { account: m, code: issued.code, password: 'Another2026', ip: ip(), now: at(3) });
		expect(twice).toEqual({ ok: false, reason: 'used' });
		if (!twice.ok) expect(resetFailureMessage(twice)).toContain('已经使用过');
		expect(await verifyPassword((await t.db.selectFrom('users').select('password_hash').where('id', '=', u.id).executeTakeFirstOrThrow()).password_hash, NEW_PASSWORD)).toBe(true);

		const late = await issueResetCode(t.db, admin, enterprise, u.id, at(10));
		if (!late.ok) throw new Error(late.message);
		const expired = await resetPassword(t.db, { account: m, code: late.code, password: 'Another2026', ip: ip(), now: at(10 + 24 * 60) });
		expect(expired).toEqual({ ok: false, reason: 'expired' });
		if (!expired.ok) expect(resetFailureMessage(expired)).toContain('已过期');

		const a = await issueResetCode(t.db, admin, enterprise, u.id, at(20));
		const b = await issueResetCode(t.db, admin, enterprise, u.id, at(21));
		if (!a.ok || !b.ok) throw new Error('issue failed');
		expect(await resetPassword(t.db, { account: m, code: a.code, password: 'Another2026', ip: ip(), now: at(22) })).toEqual({ ok: false, reason: 'revoked' });
		expect(await resetPassword(t.db, { account: m, code: b.code, password: 'Another2026', ip: ip(), now: at(22) })).toEqual({ ok: true, userId: u.id });
		const audit = await t.db.selectFrom('audit_log').select('action').where('target', '=', `user:${u.id}`).where('action', 'like', 'password.%').execute();
		expect(audit.filter((x) => x.action === 'password.reset_issued')).toHaveLength(4);
		expect(audit.filter((x) => x.action === 'password.reset')).toHaveLength(2);
	});

	it('queues one SMS for a known 手机号, nothing for an unknown one, at most 3 an hour, and the code resets the password', async () => {
		const m = mobile();
		const u = await makeUser(t.db, { role: 'enterprise_admin', orgId: enterprise.id, mobile: m });
		const before = await countRows('outbound_messages');
		await requestSelfReset(t.db, { mobile: '13999999999', ip: ip(), now: T0 });
		expect(await countRows('outbound_messages')).toBe(before);

		await requestSelfReset(t.db, { mobile: m, ip: ip(), now: T0 });
		const rows = await t.db.selectFrom('outbound_messages').selectAll().where('user_id', '=', u.id).execute();
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ channel: 'sms', address: m, kind: 'password_reset', status: 'queued' });
		const code = /验证码 (\d{6})/.exec(rows[0]!.body)![1]!;

		for (let i = 1; i < SELF_RESET_PER_HOUR + 2; i++) await requestSelfReset(t.db, { mobile: m, ip: ip(), now: at(i) });
		expect(await countRows('outbound_messages', { user_id: u.id })).toBe(SELF_RESET_PER_HOUR);
		expect(await countRows('password_resets', { user_id: u.id })).toBe(SELF_RESET_PER_HOUR);
		// an hour later, one more is allowed
		await requestSelfReset(t.db, { mobile: m, ip: ip(), now: at(61) });
		expect(await countRows('outbound_messages', { user_id: u.id })).toBe(SELF_RESET_PER_HOUR + 1);

		// the first code was replaced by the later ones; the newest works
		expect(await resetPassword(t.db, { account: m, code, password: NEW_PASSWORD, ip: ip(), now: at(62) })).toEqual({ ok: false, reason: 'revoked' });
		const newest = await t.db.selectFrom('outbound_messages').select('body').where('user_id', '=', u.id).orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
		const newestCode = /验证码 (\d{6})/.exec(newest.body)![1]!;
		expect(await resetPassword(t.db, { account: m, code: newestCode, password: NEW_PASSWORD, ip: ip(), now: at(62) })).toEqual({ ok: true, userId: u.id });

		// a disabled account gets nothing either
		const d = await makeUser(t.db, { role: 'enterprise_admin', orgId: enterprise.id, disabled: true });
		await requestSelfReset(t.db, { mobile: d.mobile, ip: ip(), now: T0 });
		expect(await countRows('outbound_messages', { user_id: d.id })).toBe(0);
	});

	it('throttles guessing of reset codes per account', async () => {
		const m = mobile();
		const u = await makeUser(t.db, { role: 'enterprise_admin', orgId: enterprise.id, mobile: m });
		const issued = await issueResetCode(t.db, admin, enterprise, u.id, T0);
		if (!issued.ok) throw new Error(issued.message);
		for (let i = 0; i < 5; i++) expect((await resetPassword(t.db, { account: m, code: `00000${i}`, password: NEW_PASSWORD, ip: ip(), now: at(1) })).ok).toBe(false);
		const blocked = await resetPassword(t.db, { account: m, code: issued.code, password: NEW_PASSWORD, ip: ip(), now: at(2) });
		expect(blocked).toMatchObject({ ok: false, reason: 'throttled' });
		expect(await resetPassword(t.db, { account: m, code: issued.code, password: NEW_PASSWORD, ip: ip(), now: at(20) })).toEqual({ ok: true, userId: u.id });
	});

	it('writes last_seen_at at each session\'s own interval of 5–6 minutes, so sessions started together spread out', async () => {
		const m = mobile();
		const u = await makeUser(t.db, { role: 'enterprise_admin', orgId: enterprise.id, mobile: m });
		const intervals = new Set<number>();
		for (let i = 0; i < 40; i++) {
			const { token, session } = await createSession(t.db, u.id, null, T0);
			const every = seenIntervalMs(session.id);
			expect(every).toBeGreaterThanOrEqual(300_000);
			expect(every).toBeLessThanOrEqual(360_000);
			intervals.add(every);
			if (i < 3) {
				const seen = async () => (await t.db.selectFrom('sessions').select('last_seen_at').where('id', '=', session.id).executeTakeFirstOrThrow()).last_seen_at;
				await validateSessionToken(t.db, token, new Date(T0.getTime() + every - 1000));
				expect(await seen()).toEqual(T0);
				await validateSessionToken(t.db, token, new Date(T0.getTime() + every));
				expect(await seen()).toEqual(new Date(T0.getTime() + every));
			}
		}
		// 40 sessions of one second fall due over at least 20 different seconds, not one
		expect(intervals.size).toBeGreaterThanOrEqual(20);
	});

	it('writes each session\'s last_seen_at, IP and expiry when 200 sessions are validated at once', async () => {
		const u = await makeUser(t.db, { role: 'enterprise_admin', orgId: enterprise.id, mobile: mobile() });
		const sessions = await Promise.all(Array.from({ length: 200 }, () => createSession(t.db, u.id, null, T0)));
		// each falls due for the write (past its interval), and for the expiry refresh (past half its life)
		const later = new Date(T0.getTime() + 4 * 24 * 3600_000);
		const results = await Promise.all(sessions.map((s, i) => validateSessionToken(t.db, s.token, later, { ip: `10.77.${i >> 8}.${i & 255}` })));
		expect(results.every((r) => r !== null && r.session.expiresAt.getTime() > later.getTime() + 6 * 24 * 3600_000)).toBe(true);
		const rows = await t.db.selectFrom('sessions').select(['id', 'last_seen_at', 'ip', 'expires_at']).where('id', 'in', sessions.map((s) => s.session.id)).execute();
		const byId = new Map(rows.map((r) => [r.id, r]));
		sessions.forEach((s, i) => {
			const row = byId.get(s.session.id)!;
			expect(row.last_seen_at).toEqual(later);
			expect(row.ip).toBe(`10.77.${i >> 8}.${i & 255}`);
			expect(row.expires_at).toEqual(results[i]!.session.expiresAt);
		});
		// and the same session twice at once: both validate, one row
		const [a, b] = await Promise.all([validateSessionToken(t.db, sessions[0]!.token, new Date(later.getTime() + 100_000)), validateSessionToken(t.db, sessions[0]!.token, new Date(later.getTime() + 100_000))]);
		expect(a?.user.id).toBe(u.id);
		expect(b?.user.id).toBe(u.id);
	});

	it('lists a user\'s sessions with device, IP and last use, and ends another one', async () => {
		const m = mobile();
		const u = await makeUser(t.db, { role: 'enterprise_admin', orgId: enterprise.id, mobile: m });
		const phone = await loginToken(m, TEST_PASSWORD, T0, IPHONE);
		const desk = await loginToken(m, TEST_PASSWORD, at(1), WINDOWS);
		const deskSession = (await validateSessionToken(t.db, desk.token, at(1)))!.session;
		// last_seen_at is written at most once every 5 minutes
		await validateSessionToken(t.db, phone.token, new Date(T0.getTime() + 4 * 60_000), { ip: '10.8.0.1' });
		let row = await t.db.selectFrom('sessions').select(['last_seen_at', 'ip', 'user_agent']).where('user_id', '=', u.id).orderBy('created_at').executeTakeFirstOrThrow();
		expect(row.last_seen_at).toEqual(T0);
		expect(row.user_agent).toBe(IPHONE);
		await validateSessionToken(t.db, phone.token, at(7), { ip: '10.8.0.1' });
		row = await t.db.selectFrom('sessions').select(['last_seen_at', 'ip', 'user_agent']).where('user_id', '=', u.id).orderBy('created_at').executeTakeFirstOrThrow();
		expect(row).toMatchObject({ last_seen_at: at(7), ip: '10.8.0.1' });

		const list = await listOwnSessions(t.db, u.id, deskSession.id, at(8));
		expect(list.map((s) => [s.device, s.current])).toEqual([
			['Chrome · Windows', true],
			['Safari · iPhone', false]
		]);
		const other = list.find((s) => !s.current)!;
		expect(await endOwnSession(t.db, { userId: u.id, currentSessionId: deskSession.id, ref: other.ref, ip: ip(), now: at(9) })).toEqual({ ok: true, current: false });
		expect(await validateSessionToken(t.db, phone.token, at(9))).toBeNull();
		expect(await validateSessionToken(t.db, desk.token, at(9))).not.toBeNull();
		// another user's session cannot be ended by its ref
		const stranger = await makeUser(t.db, { role: 'enterprise_admin', orgId: enterprise.id });
		const mine = (await listOwnSessions(t.db, u.id, deskSession.id, at(9)))[0]!;
		expect(await endOwnSession(t.db, { userId: stranger.id, currentSessionId: 'x', ref: mine.ref, ip: ip(), now: at(9) })).toEqual({ ok: false });
		expect(await validateSessionToken(t.db, desk.token, at(9))).not.toBeNull();
	});
});
