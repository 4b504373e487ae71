import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, countAllRows, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';
import { personSchema, personUpdateSchema, chinaDate, type PersonInput } from '../../src/lib/schemas/person.ts';
import { createPerson, setPersonActive, updatePerson, type StaffActor } from '../../src/lib/server/people/staff.ts';
import { activateAccount } from '../../src/lib/server/people/activation.ts';
import { issueActivationCodes } from '../../src/lib/server/people/activation-codes.ts';
import { loginWithPassword } from '../../src/lib/server/auth/login.ts';
import { validateSessionToken } from '../../src/lib/server/auth/session.ts';

const NOW = new Date('2026-11-26T02:00:00Z');
let seq = 0;
function ids() {
	const n = seq++;
	const first17 = `50011219880808${String(100 + n)}`;
	return { idNumber: first17 + idNumberCheckChar(first17), mobile: `135${String(n).padStart(8, '0')}` };
}
function input(overrides: Record<string, unknown> = {}): PersonInput {
	return personSchema(chinaDate(NOW)).parse({ name: `员工${seq}`, ...ids(), roleCategory: 'frontline', position: '装配', hiredOn: '2024-03-01', ...overrides });
}
const update = (v: Record<string, unknown>) => personUpdateSchema(chinaDate(NOW)).parse({ idNumber: '', mobile: '', ...v });

describe.each(BACKENDS)('staff add / edit / disable (%s)', (backend) => {
	let t: TestDatabase;
	let orgId: number;
	let otherOrgId: number;
	let actor: StaffActor;
	const printCode = async (personId: number) =>
		(await issueActivationCodes(t.db, { userId: actor.userId, role: actor.role, orgId: actor.orgId, personId: actor.personId, ip: null }, [personId], { kind: 'print' }, NOW)).issued[0]!.code!;
	let otherActor: StaffActor;
	const auditOf = (personId: number) =>
		t.db.selectFrom('audit_log').select(['action', 'actor_user_id', 'detail']).where('target', '=', `person:${personId}`).orderBy('id').execute();

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		orgId = await makeOrg(t.db, 'enterprise');
		otherOrgId = await makeOrg(t.db, 'enterprise', '500115', '长寿保密化工有限公司');
		const admin = await makeUser(t.db, { role: 'enterprise_admin', orgId });
		const otherAdmin = await makeUser(t.db, { role: 'enterprise_admin', orgId: otherOrgId });
		actor = { userId: admin.id, role: 'enterprise_admin', orgId, personId: null, ip: '10.2.0.1', now: NOW };
		otherActor = { userId: otherAdmin.id, role: 'enterprise_admin', orgId: otherOrgId, personId: null, ip: '10.2.0.2', now: NOW };
	});
	afterAll(async () => t?.close());

	it('creates a person in the admin\'s enterprise and audits it', async () => {
		const p = input({ roleCategory: 'special_worker', specialOperationCode: '2.1' });
		const r = await createPerson(t.db, p, actor);
		if (!r.ok) throw new Error(JSON.stringify(r));
		const row = await t.db.selectFrom('persons').selectAll().where('id', '=', r.personId).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ org_id: orgId, name: p.name, id_number: p.idNumber, mobile: p.mobile, role_category: 'special_worker', special_operation_code: '2.1', hired_on: '2024-03-01', active: true });
		const audit = await auditOf(r.personId);
		expect(audit.map((a) => a.action)).toEqual(['person.create']);
		expect(JSON.stringify(audit[0]!.detail)).not.toContain(p.idNumber); // masked
	});

	it('refuses duplicates with a message per field, and writes nothing', async () => {
		const first = input();
		expect((await createPerson(t.db, first, actor)).ok).toBe(true);
		const before = await countAllRows(t.db);
		expect(await createPerson(t.db, input({ idNumber: first.idNumber }), actor)).toEqual({
			ok: false,
			reason: 'invalid',
			errors: { idNumber: `身份证号已登记在本单位人员名单中（${first.name}），不能重复登记` }
		});
		expect(await createPerson(t.db, input({ mobile: first.mobile }), actor)).toMatchObject({ errors: { mobile: expect.stringContaining('已被本单位人员') } });
		const elsewhere = await createPerson(t.db, input({ idNumber: first.idNumber }), otherActor);
		expect(elsewhere).toMatchObject({ ok: false, errors: { idNumber: expect.stringContaining('已被其他单位登记') } });
		expect(JSON.stringify(elsewhere)).not.toContain(first.name);
		expect(await createPerson(t.db, input({ roleCategory: 'special_worker', specialOperationCode: '99.9' }), actor)).toMatchObject({
			errors: { specialOperationCode: '特种作业目录中没有编号为“99.9”的操作项目' }
		});
		expect(await countAllRows(t.db)).toEqual(before);
	});

	it('edits a person: empty 身份证号/手机号 keep the stored ones, new ones are checked', async () => {
		const p = input();
		const r = await createPerson(t.db, p, actor);
		if (!r.ok) throw new Error('create failed');
		expect(await updatePerson(t.db, r.personId, update({ name: '改名', roleCategory: 'safety_manager', position: '', hiredOn: '' }), actor)).toEqual({ ok: true, personId: r.personId });
		let row = await t.db.selectFrom('persons').selectAll().where('id', '=', r.personId).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ name: '改名', id_number: p.idNumber, mobile: p.mobile, role_category: 'safety_manager', position: null, hired_on: null });

		const other = input();
		expect((await createPerson(t.db, other, actor)).ok).toBe(true);
		expect(await updatePerson(t.db, r.personId, update({ name: '改名', idNumber: other.idNumber, roleCategory: 'safety_manager' }), actor)).toMatchObject({
			ok: false,
			errors: { idNumber: expect.stringContaining('已登记在本单位人员名单中') }
		});
		expect(await updatePerson(t.db, r.personId, update({ name: '改名', mobile: other.mobile, roleCategory: 'safety_manager' }), actor)).toMatchObject({
			ok: false,
			errors: { mobile: expect.stringContaining('已被本单位人员') }
		});
		// the check digit is checked by the shared schema, before the use case
		const wrong = p.idNumber.slice(0, 17) + (p.idNumber[17] === '1' ? '2' : '1');
		const parsed = personUpdateSchema(chinaDate(NOW)).safeParse({ name: 'x', idNumber: wrong, roleCategory: 'frontline' });
		expect(parsed.success ? null : parsed.error.issues[0]!.message).toBe('身份证号校验位不正确（GB 11643），请核对是否输错');

		const fresh = ids();
		expect((await updatePerson(t.db, r.personId, update({ name: '改名', idNumber: fresh.idNumber, mobile: fresh.mobile, roleCategory: 'safety_manager' }), actor)).ok).toBe(true);
		row = await t.db.selectFrom('persons').selectAll().where('id', '=', r.personId).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ id_number: fresh.idNumber, mobile: fresh.mobile });
		const audit = await auditOf(r.personId);
		expect(audit.map((a) => a.action)).toEqual(['person.create', 'person.update', 'person.update']);
		expect(audit[1]!.detail).toEqual({ changed: ['name', 'roleCategory', 'position', 'hiredOn'] });
		expect(audit[2]!.detail).toEqual({ changed: ['idNumber', 'mobile'] });
	});

	it('answers “not found” for another enterprise\'s person, and changes nothing', async () => {
		const r = await createPerson(t.db, input(), actor);
		if (!r.ok) throw new Error('create failed');
		const before = await countAllRows(t.db);
		expect(await updatePerson(t.db, r.personId, update({ name: '越权', roleCategory: 'frontline' }), otherActor)).toEqual({ ok: false, reason: 'not_found' });
		expect(await setPersonActive(t.db, r.personId, false, otherActor)).toEqual({ ok: false, reason: 'not_found' });
		expect(await updatePerson(t.db, 99_999_999, update({ name: 'x', roleCategory: 'frontline' }), actor)).toEqual({ ok: false, reason: 'not_found' });
		expect(await countAllRows(t.db)).toEqual(before);
		const row = await t.db.selectFrom('persons').select(['name', 'active']).where('id', '=', r.personId).executeTakeFirstOrThrow();
		expect(row).toEqual({ name: expect.not.stringContaining('越权'), active: true });
	});

	it('disabling a person disables their account and ends its sessions; enabling restores it', async () => {
		const p = input();
		const r = await createPerson(t.db, p, actor);
		if (!r.ok) throw new Error('create failed');
		expect(await activateAccount(t.db, { idNumber: p.idNumber, mobile: p.mobile, code: await printCode(r.personId), password: 'Activate123', ip: '10.2.1.1', now: NOW })).toMatchObject({ ok: true });
		const login = await loginWithPassword(t.db, { account: p.mobile, password: 'Activate123', ip: '10.2.1.1', now: NOW });
		if (!login.ok) throw new Error('login failed');

		expect(await setPersonActive(t.db, r.personId, false, actor)).toEqual({ ok: true, changed: true });
		expect(await setPersonActive(t.db, r.personId, false, actor)).toEqual({ ok: true, changed: false });
		const user = await t.db.selectFrom('users').select(['id', 'disabled']).where('person_id', '=', r.personId).executeTakeFirstOrThrow();
		expect(user.disabled).toBe(true);
		expect(await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
		expect(await validateSessionToken(t.db, login.token, NOW)).toBeNull();
		expect(await loginWithPassword(t.db, { account: p.mobile, password: 'Activate123', ip: '10.2.1.1', now: NOW })).toMatchObject({ ok: false, reason: 'disabled' });
		expect((await t.db.selectFrom('persons').select('active').where('id', '=', r.personId).executeTakeFirstOrThrow()).active).toBe(false);

		expect(await setPersonActive(t.db, r.personId, true, actor)).toEqual({ ok: true, changed: true });
		expect((await loginWithPassword(t.db, { account: p.mobile, password: 'Activate123', ip: '10.2.1.1', now: NOW })).ok).toBe(true);
		expect((await auditOf(r.personId)).map((a) => a.action)).toEqual(['person.create', 'person.disable', 'person.enable']);
	});

	it('keeps an activated account in step with edits of the person', async () => {
		const p = input();
		const r = await createPerson(t.db, p, actor);
		if (!r.ok) throw new Error('create failed');
		expect((await activateAccount(t.db, { idNumber: p.idNumber, mobile: p.mobile, code: await printCode(r.personId), password: 'Activate123', ip: '10.2.1.2', now: NOW })).ok).toBe(true);
		const fresh = ids();
		expect((await updatePerson(t.db, r.personId, update({ name: '新名字', mobile: fresh.mobile, roleCategory: 'frontline' }), actor)).ok).toBe(true);
		const user = await t.db.selectFrom('users').select(['display_name', 'mobile', 'id_number']).where('person_id', '=', r.personId).executeTakeFirstOrThrow();
		expect(user).toEqual({ display_name: '新名字', mobile: fresh.mobile, id_number: p.idNumber });
		expect((await loginWithPassword(t.db, { account: fresh.mobile, password: 'Activate123', ip: '10.2.1.2', now: NOW })).ok).toBe(true);
	});

	it('refuses a 手机号 another account signs in with, and an admin disabling their own record', async () => {
		const taken = await makeUser(t.db, { role: 'learner', orgId: otherOrgId });
		expect(await createPerson(t.db, input({ mobile: taken.mobile }), actor)).toMatchObject({ ok: false, errors: { mobile: expect.stringContaining('其他账号') } });
		const self = await createPerson(t.db, input(), actor);
		if (!self.ok) throw new Error('create failed');
		expect(await setPersonActive(t.db, self.personId, false, { ...actor, personId: self.personId })).toEqual({ ok: false, reason: 'self' });
	});
});
