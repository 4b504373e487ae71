import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, countAllRows, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { issueActivationCodes } from '../../src/lib/server/people/activation-codes.ts';
import { hashActivationCode, type ActivationCodeChannel } from '../../src/lib/server/people/activation-code.ts';
import { idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';
import {
	ACTIVATION_ID_LIMIT,
	ACTIVATION_IP_LIMIT,
	ACTIVATION_MISMATCH_MESSAGE,
	activateAccount,
	activationBlockedUntil,
	activationFailureMessage
} from '../../src/lib/server/people/activation.ts';
import { loginWithPassword } from '../../src/lib/server/auth/login.ts';
import { validateSessionToken } from '../../src/lib/server/auth/session.ts';
import { verifyPassword } from '../../src/lib/server/auth/password.ts';
import { activationSchema } from '../../src/lib/schemas/person.ts';

const T0 = new Date('2026-11-26T02:00:00Z');
const at = (minutes: number) => new Date(T0.getTime() + minutes * 60_000);
const PASSWORD = 'Welcome2026';

let seq = 0;
function ids() {
	const n = seq++;
	const first17 = `50011519920315${String(100 + n)}`;
	return { idNumber: first17 + idNumberCheckChar(first17), mobile: `136${String(n).padStart(8, '0')}` };
}

describe.each(BACKENDS)('account activation (%s)', (backend) => {
	let t: TestDatabase;
	let orgId: number;
	let regulatorId: number;
	let ipSeq = 0;
	const freshIp = () => `10.3.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

	async function makePerson(opts: { orgId?: number; active?: boolean } = {}) {
		const p = ids();
		const row = await t.db
			.insertInto('persons')
			.values({ name: `员工${seq}`, id_number: p.idNumber, mobile: p.mobile, org_id: opts.orgId ?? orgId, role_category: 'frontline', active: opts.active ?? true })
			.returning('id')
			.executeTakeFirstOrThrow();
		return { ...p, id: row.id, name: `员工${seq}`, orgId: opts.orgId ?? orgId };
	}
	const PRINT: ActivationCodeChannel = { kind: 'print' };
	let adminId: number;
	/** The admin prints a code for the person; null when none is issued (activated, disabled). */
	async function printCode(p: { id: number; orgId: number }, now = T0): Promise<string | null> {
		const r = await issueActivationCodes(t.db, { userId: adminId, role: 'enterprise_admin', orgId: p.orgId, personId: null, ip: '10.3.250.1' }, [p.id], PRINT, now);
		return r.issued[0]?.code ?? null;
	}
	// Persons get a freshly printed code unless a code is given.
	const activate = async (p: { idNumber: string; mobile: string; id?: number; orgId?: number }, opts: { ip?: string; now?: Date; password?: string; code?: string } = {}) => {
		const code = opts.code ?? (p.id !== undefined ? await printCode({ id: p.id, orgId: p.orgId! }, opts.now) : null) ?? 'ABCDEFGH';
		return activateAccount(t.db, { idNumber: p.idNumber, mobile: p.mobile, code, password: opts.password ?? PASSWORD, ip: opts.ip ?? freshIp(), now: opts.now ?? T0 });
	};

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		orgId = await makeOrg(t.db, 'enterprise');
		regulatorId = await makeOrg(t.db, 'regulator');
		adminId = (await makeUser(t.db, { role: 'enterprise_admin', orgId })).id;
	});
	afterAll(async () => t?.close());

	it('creates a learner account for the person; the new password then signs in', async () => {
		const p = await makePerson();
		const r = await activate(p, { ip: '10.3.9.1' });
		if (!r.ok) throw new Error(JSON.stringify(r));
		const user = await t.db.selectFrom('users').selectAll().where('id', '=', r.userId).executeTakeFirstOrThrow();
		expect(user).toMatchObject({ person_id: p.id, display_name: p.name, id_number: p.idNumber, mobile: p.mobile, must_change_password: false, disabled: false });
		expect(user.password_hash.startsWith('$argon2id$')).toBe(true);
		expect(await verifyPassword(user.password_hash, PASSWORD)).toBe(true);
		const memberships = await t.db.selectFrom('memberships').select(['role', 'org_id']).where('user_id', '=', r.userId).execute();
		expect(memberships).toEqual([{ role: 'learner', org_id: orgId }]);
		const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.activate').executeTakeFirstOrThrow();
		expect(audit).toMatchObject({ target: `user:${r.userId}`, actor_user_id: r.userId, ip: '10.3.9.1' });

		for (const account of [p.idNumber, p.mobile]) {
			const login = await loginWithPassword(t.db, { account, password: PASSWORD, ip: '10.3.9.1', now: T0 });
			if (!login.ok) throw new Error(`login with ${account} failed: ${JSON.stringify(login)}`);
			expect(login.mustChangePassword).toBe(false);
			const session = await validateSessionToken(t.db, login.token, T0);
			expect(session?.user).toMatchObject({ id: r.userId, personId: p.id, membership: { role: 'learner', orgId } });
		}
	});

	it('answers a wrong pairing, an unknown ID number and an activated account alike, and writes one audit row', async () => {
		const p = await makePerson();
		const other = await makePerson();
		const unknown = ids();
		const before = await countAllRows(t.db);
		const wrongMobile = await activate({ idNumber: p.idNumber, mobile: other.mobile });
		const unknownId = await activate(unknown);
		expect(wrongMobile).toEqual({ ok: false, reason: 'mismatch' });
		expect(unknownId).toEqual({ ok: false, reason: 'mismatch' });
		expect(activationFailureMessage({ ok: false, reason: 'mismatch' })).toBe(ACTIVATION_MISMATCH_MESSAGE);
		expect(ACTIVATION_MISMATCH_MESSAGE).toBe('身份证号、手机号与激活码不匹配，或激活码已失效，或账号已激活');
		expect(await countAllRows(t.db)).toEqual({ ...before, audit_log: before.audit_log! + 2 });
		const failed = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'account.activate_failed').orderBy('id', 'desc').limit(2).execute();
		expect(failed.every((f) => !JSON.stringify(f).includes(p.idNumber) && !JSON.stringify(f).includes(unknown.idNumber))).toBe(true);

		expect((await activate(p)).ok).toBe(true);
		expect(await activate(p)).toEqual({ ok: false, reason: 'mismatch' });
		expect(await activate(p, { password: 'Another2026' })).toEqual({ ok: false, reason: 'mismatch' });
		expect(await t.db.selectFrom('users').select('id').where('person_id', '=', p.id).execute()).toHaveLength(1);
	});

	it('refuses disabled persons and persons who are not enterprise staff', async () => {
		expect(await activate(await makePerson({ active: false }))).toEqual({ ok: false, reason: 'mismatch' });
		expect(await activate(await makePerson({ orgId: regulatorId }))).toEqual({ ok: false, reason: 'mismatch' });
	});

	it('refuses a 手机号 another account already signs in with', async () => {
		const p = await makePerson();
		await t.db.insertInto('users').values({ display_name: '管理员', mobile: p.mobile, password_hash: 'x' }).execute();
		expect(await activate(p)).toEqual({ ok: false, reason: 'mismatch' });
	});

	it(`throttles an ID number after ${ACTIVATION_ID_LIMIT} failures in 15 minutes, even with the right mobile`, async () => {
		const p = await makePerson();
		for (let i = 0; i < ACTIVATION_ID_LIMIT; i++) {
			expect(await activate({ idNumber: p.idNumber, mobile: '13000000000' }, { now: at(i) })).toEqual({ ok: false, reason: 'mismatch' });
		}
		const blocked = await activate(p, { now: at(5) });
		expect(blocked).toEqual({ ok: false, reason: 'throttled', until: at(15) });
		if (!blocked.ok && blocked.reason === 'throttled') expect(activationFailureMessage(blocked)).toBe('尝试次数过多，请于 10:15 后再试。');
		expect(await t.db.selectFrom('users').select('id').where('person_id', '=', p.id).execute()).toEqual([]);
		// throttled attempts do not extend the block; the oldest failure leaves the window at +15 min
		expect((await activate(p, { now: at(15.1) })).ok).toBe(true);
	});

	it(`throttles an IP address after ${ACTIVATION_IP_LIMIT} failures in 15 minutes`, async () => {
		const ip = '10.3.200.200';
		for (let i = 0; i < ACTIVATION_IP_LIMIT; i++) expect((await activate(ids(), { ip, now: at(i * 0.1) })).ok).toBe(false);
		const p = await makePerson();
		expect(await activate(p, { ip, now: at(3) })).toMatchObject({ ok: false, reason: 'throttled' });
		expect((await activate(p, { ip: '10.3.200.201', now: at(3) })).ok).toBe(true);
	});

	it('needs the printed one-time code: wrong, reused, replaced and expired codes are refused alike', async () => {
		const p = await makePerson();
		// no code printed yet: 身份证号 + 手机号 alone are not enough
		expect(await activate(p, { code: 'ABCDEFGH' })).toEqual({ ok: false, reason: 'mismatch' });
		const first = (await printCode(p))!;
		expect(first).toMatch(/^[2-9A-Z]{8}$/);
		// stored only as a hash
		const stored = await t.db.selectFrom('activation_codes').selectAll().where('person_id', '=', p.id).execute();
		expect(stored).toHaveLength(1);
		expect(JSON.stringify(stored)).not.toContain(first);
		expect(stored[0]!.code_hash).toBe(hashActivationCode(p.id, first));
		// re-printing replaces the first code
		const second = (await printCode(p, at(1)))!;
		expect(second).not.toBe(first);
		expect(await activate(p, { code: first, now: at(2) })).toEqual({ ok: false, reason: 'mismatch' });
		expect(await activate(p, { code: 'ZZZZZZZZ', now: at(2) })).toEqual({ ok: false, reason: 'mismatch' });
		// typed in lower case with a space still works; then it is used up
		const ok = await activate(p, { code: `${second.slice(0, 4).toLowerCase()} ${second.slice(4)}`, now: at(3) });
		expect(ok.ok).toBe(true);
		expect(await activate(p, { code: second, now: at(4) })).toEqual({ ok: false, reason: 'mismatch' });
		// an expired code
		const q = await makePerson();
		const old = (await printCode(q))!;
		expect(await activate(q, { code: old, now: new Date(T0.getTime() + 7 * 86_400_000 + 1000) })).toEqual({ ok: false, reason: 'mismatch' });
		expect((await activate(q, { code: old, now: at(10) })).ok).toBe(true);
	});

	it(`throttles wrong codes for one account after ${ACTIVATION_ID_LIMIT} tries, from any IP`, async () => {
		const p = await makePerson();
		const code = (await printCode(p))!;
		for (let i = 0; i < ACTIVATION_ID_LIMIT; i++) expect(await activate(p, { code: `WRONG${i}AA`.slice(0, 8), now: at(i) })).toEqual({ ok: false, reason: 'mismatch' });
		expect(await activate(p, { code, now: at(6) })).toMatchObject({ ok: false, reason: 'throttled' });
	});

	it('issues codes only to the admin\'s own unactivated active staff, audited', async () => {
		const otherOrg = await makeOrg(t.db, 'enterprise');
		const foreign = await makePerson({ orgId: otherOrg });
		const disabled = await makePerson({ active: false });
		const mine = await makePerson();
		const r = await issueActivationCodes(t.db, { userId: adminId, role: 'enterprise_admin', orgId, personId: null, ip: '10.3.250.2' }, [foreign.id, disabled.id, mine.id], PRINT, T0);
		expect(r.issued.map((c) => c.personId)).toEqual([mine.id]);
		expect(r.issued[0]).toMatchObject({ name: mine.name, idNumberMasked: expect.stringContaining('*'), expiresAt: new Date(T0.getTime() + 7 * 86_400_000) });
		const all = await issueActivationCodes(t.db, { userId: adminId, role: 'enterprise_admin', orgId, personId: null, ip: '10.3.250.2' }, null, PRINT, T0);
		expect(all.issued.map((c) => c.personId)).toContain(mine.id);
		expect(all.issued.map((c) => c.personId)).not.toContain(foreign.id);
		const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'activation_code.issue').orderBy('id', 'desc').limit(1).executeTakeFirstOrThrow();
		expect(audit).toMatchObject({ actor_user_id: adminId, target: `org:${orgId}` });
		expect(JSON.stringify(audit.detail)).not.toMatch(/[2-9A-Z]{8}/);
	});

	it('sends the code through a configured SMS channel instead of showing it', async () => {
		const sent: { mobile: string; text: string }[] = [];
		const sms: ActivationCodeChannel = { kind: 'sms', send: async (m) => void sent.push(m) };
		const p = await makePerson();
		const r = await issueActivationCodes(t.db, { userId: adminId, role: 'enterprise_admin', orgId, personId: null, ip: null }, [p.id], sms, T0);
		expect(r).toMatchObject({ channel: 'sms', failed: 0, issued: [{ personId: p.id, code: null }] });
		expect(sent).toHaveLength(1);
		expect(sent[0]!.mobile).toBe(p.mobile);
		const code = /激活码为 ([2-9A-Z]{8})/.exec(sent[0]!.text)![1]!;
		expect((await activate(p, { code, now: at(1) })).ok).toBe(true);
	});

	it('pure rule and input schema', () => {
		expect(activationBlockedUntil([at(3), at(2), at(1), at(0)], 5, at(4))).toBeNull();
		expect(activationBlockedUntil([at(4), at(3), at(2), at(1), at(0)], 5, at(5))).toEqual(at(15));
		expect(activationBlockedUntil([at(4), at(3), at(2), at(1), at(0)], 5, at(15))).toBeNull();
		const ok = activationSchema.safeParse({ idNumber: ids().idNumber.toLowerCase(), mobile: '136 0000 0001', code: 'abcd-efgh', next: 'abc12345', confirm: 'abc12345' });
		expect(ok.success && ok.data.code).toBe('ABCDEFGH');
		const bad = activationSchema.safeParse({ idNumber: '123', mobile: '1', code: '12', next: 'short', confirm: 'other' });
		expect(bad.success ? [] : bad.error.issues.map((i) => [i.path[0], i.message])).toEqual([
			['idNumber', '身份证号应为18位'],
			['mobile', '手机号格式不正确：应为以1开头的11位数字（第二位为3–9）'],
			['code', '激活码为8位字母和数字'],
			['next', '新密码至少8位'],
			['next', '新密码须同时包含字母和数字'],
			['confirm', '两次输入的新密码不一致']
		]);
	});
});
