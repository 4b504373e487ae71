import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { seedIfEmpty } from '../../seeds/index.ts';
import { loginWithPassword } from '../../src/lib/server/auth/login.ts';
import { checkCreditCode, checkIdNumber } from '../../src/lib/domain/identifiers.ts';
import demoAccounts from '../../seeds/demo-accounts.json' with { type: 'json' };

describe.each(BACKENDS)('demo seed (%s)', (backend) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		expect(await seedIfEmpty(t.db)).toBe(true);
	});
	afterAll(async () => t?.close());

	it('is idempotent', async () => {
		const before = await t.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
		expect(await seedIfEmpty(t.db)).toBe(false);
		const after = await t.db.selectFrom('persons').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
		expect(Number(after.n)).toBe(Number(before.n));
	});

	it('seeds 重庆市 with its 38 区县, 3 functional areas and towns', async () => {
		const rows = await t.db.selectFrom('regions').select(['level', (eb) => eb.fn.countAll().as('n')]).groupBy('level').execute();
		const by = Object.fromEntries(rows.map((r) => [r.level, Number(r.n)]));
		expect(by).toMatchObject({ city: 1, district: 38, functional: 3 });
		expect(by.town).toBeGreaterThanOrEqual(6);
		const yubei = await t.db.selectFrom('regions').selectAll().where('code', '=', '500112').executeTakeFirstOrThrow();
		expect(yubei.name).toBe('渝北区');
	});

	it('flags the high-risk industries of 第九条第二款', async () => {
		const high = await t.db.selectFrom('industries').select('name').where('high_risk', '=', true).orderBy('sort').execute();
		expect(high.map((h) => h.name)).toEqual(['非煤矿山', '危险化学品', '烟花爆竹', '金属冶炼']);
	});

	it('gives every organisation and person valid check characters', async () => {
		const orgs = await t.db.selectFrom('organisations').select('credit_code').where('credit_code', 'is not', null).execute();
		expect(orgs.length).toBeGreaterThan(5);
		for (const o of orgs) expect(checkCreditCode(o.credit_code!), o.credit_code!).toBeNull();
		const persons = await t.db.selectFrom('persons').select('id_number').execute();
		expect(persons.length).toBeGreaterThan(100);
		for (const p of persons) expect(checkIdNumber(p.id_number), p.id_number).toBeNull();
	});

	it('every demo account of seeds/demo-accounts.json logs in with its role', async () => {
		for (const a of demoAccounts) {
			const r = await loginWithPassword(t.db, { account: a.account, password: a.password, ip: '127.0.0.1', now: new Date() });
			expect(r.ok, a.account).toBe(true);
			const m = await t.db
				.selectFrom('memberships as m')
				.innerJoin('users as u', 'u.id', 'm.user_id')
				.select('m.role')
				.where((eb) => eb.or([eb('u.mobile', '=', a.account), eb('u.id_number', '=', a.account)]))
				.execute();
			expect(m.map((x) => x.role), a.account).toContain(a.role);
		}
	});
});
