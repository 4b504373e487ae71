// 实名注册 (issue 12): the public application, the review by the region's regulator or the
// platform admin, and what confirmation creates.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { actorFor, makeOrg, makeUser, validCreditCode, validIdNumber } from '../support/factories.ts';
import { REGISTRATION_FORM_FIELDS, registrationSchema, refusalSchema, type RegistrationInput } from '../../src/lib/schemas/registration.ts';
import {
	confirmRegistration,
	getRegistration,
	listRegistrations,
	lookupRegistrationStatus,
	refuseRegistration,
	submitRegistration,
	type Reviewer
} from '../../src/lib/server/registration/registration-service.ts';
import { REGISTRATION_IP_LIMIT } from '../../src/lib/server/registration/registration.ts';
import { loginWithPassword } from '../../src/lib/server/auth/login.ts';
import { validateSessionToken } from '../../src/lib/server/auth/session.ts';

const T0 = new Date('2026-12-05T02:00:00Z');
const LOGIN_URL = 'https://anxun.example/login';

let mobileSeq = 0;
const nextMobile = () => `139${String(++mobileSeq).padStart(8, '0')}`;

type Field = (typeof REGISTRATION_FORM_FIELDS)[number];
type FormValues = Record<Field, string>;

function form(over: Partial<FormValues> = {}): FormValues {
	return {
		creditCode: validCreditCode('500112'),
		name: '重庆新申请机械有限公司',
		district: '500112',
		town: '500112004',
		industry: 'it_machinery',
		address: '渝北区龙溪街道金开大道1号',
		contactName: '钱新民',
		contactIdNumber: validIdNumber('500112', '19850612'),
		contactMobile: nextMobile(),
		contactRole: 'safety_manager',
		...over
	};
}

function parse(values: FormValues): RegistrationInput {
	const r = registrationSchema.safeParse(values);
	if (!r.success) throw new Error(JSON.stringify(r.error.issues));
	return r.data;
}

describe('registration form (schema)', () => {
	it('refuses a malformed credit code and names the field', () => {
		const good = form().creditCode;
		const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
		for (const [value, message] of [
			[wrongCheck, '校验位不正确'],
			['91500112MA123', '应为18位'],
			['91500112MA0000000I', '不允许的字符']
		] as const) {
			const r = registrationSchema.safeParse(form({ creditCode: value }));
			expect(r.success).toBe(false);
			const issue = r.error!.issues.find((i) => i.path[0] === 'creditCode');
			expect(issue?.message).toContain(message);
		}
	});

	it('refuses a 身份证号 whose check digit is wrong', () => {
		const good = validIdNumber();
		const bad = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
		const r = registrationSchema.safeParse(form({ contactIdNumber: bad }));
		expect(r.success).toBe(false);
		expect(r.error!.issues.find((i) => i.path[0] === 'contactIdNumber')?.message).toContain('校验位不正确');
	});

	it('requires a reason to refuse', () => {
		expect(refusalSchema.safeParse({ reason: '  ' }).success).toBe(false);
		expect(refusalSchema.safeParse({}).success).toBe(false);
		expect(refusalSchema.safeParse({ reason: '企业名称与信用代码不符' }).success).toBe(true);
	});
});

describe.each(BACKENDS)('enterprise self-registration (%s)', (backend) => {
	let t: TestDatabase;
	let yubei: Reviewer;
	let changshou: Reviewer;
	let admin: Reviewer;
	let ipSeq = 0;
	const freshIp = () => `10.9.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;
	const submit = (values: FormValues, ip = freshIp(), now = T0) => submitRegistration(t.db, { ...parse(values), ip, now });

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		const yubeiOrg = await makeOrg(t.db, 'regulator', '500112', '重庆市渝北区应急管理局');
		const changshouOrg = await makeOrg(t.db, 'regulator', '500115', '重庆市长寿区应急管理局');
		const platform = await makeOrg(t.db, 'platform', '500000');
		yubei = { ...actorFor((await makeUser(t.db, { role: 'regulator', orgId: yubeiOrg })).id, yubeiOrg, 'regulator'), regionPath: '/500000/500112/', ip: '10.0.0.1' };
		changshou = { ...actorFor((await makeUser(t.db, { role: 'regulator', orgId: changshouOrg })).id, changshouOrg, 'regulator'), regionPath: '/500000/500115/', ip: '10.0.0.2' };
		admin = { ...actorFor((await makeUser(t.db, { role: 'platform_admin', orgId: platform })).id, platform, 'platform_admin'), regionPath: null, ip: '10.0.0.3' };
	});
	afterAll(async () => t?.close());

	it('stores an application as pending, down to the 乡镇', async () => {
		const values = form();
		const r = await submit(values);
		expect(r.ok).toBe(true);
		const row = await t.db.selectFrom('registration_applications').selectAll().where('credit_code', '=', values.creditCode).executeTakeFirstOrThrow();
		expect(row).toMatchObject({ status: 'pending', region_code: '500112004', contact_mobile: values.contactMobile, created_org_id: null });
		const audit = await t.db.selectFrom('audit_log').select(['action', 'ip']).where('target', '=', `registration:${row.id}`).execute();
		expect(audit).toHaveLength(1);
	});

	it('refuses a town outside the district, and a district with towns but none chosen', async () => {
		const r1 = await submit(form({ town: '500115001' }));
		expect(r1).toMatchObject({ ok: false, status: 400, field: 'town' });
		const r2 = await submit(form({ town: '' }));
		expect(r2).toMatchObject({ ok: false, status: 400, field: 'town' });
		const r3 = await submit(form({ district: '500103', town: '' })); // 渝中区: no towns in the table
		expect(r3.ok).toBe(true);
	});

	it('refuses a credit code that is already an organisation, naming whom to contact', async () => {
		const existing = await makeOrg(t.db, 'enterprise', '500112');
		const code = (await t.db.selectFrom('organisations').select('credit_code').where('id', '=', existing).executeTakeFirstOrThrow()).credit_code!;
		const before = await t.db.selectFrom('registration_applications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
		const r = await submit(form({ creditCode: code }));
		expect(r).toEqual({ ok: false, status: 409, field: 'creditCode', message: '该统一社会信用代码已注册，请联系本企业管理员或重庆市渝北区应急管理局' });
		const after = await t.db.selectFrom('registration_applications').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
		expect(Number(after.n)).toBe(Number(before.n));
	});

	it('refuses a second application for a credit code that is pending', async () => {
		const values = form({ district: '500115', town: '500115003', industry: 'hazchem' });
		expect((await submit(values)).ok).toBe(true);
		const again = await submit({ ...values, contactMobile: nextMobile() });
		expect(again.ok).toBe(false);
		if (!again.ok) {
			expect(again.status).toBe(409);
			expect(again.message).toContain('待审核');
			expect(again.message).toContain('重庆市长寿区应急管理局');
		}
	});

	it('limits submissions per IP address and hour', async () => {
		const ip = '10.77.0.1';
		for (let i = 0; i < REGISTRATION_IP_LIMIT; i++) expect((await submit(form({ district: '500103', town: '' }), ip)).ok).toBe(true);
		const blocked = await submit(form({ district: '500103', town: '' }), ip);
		expect(blocked).toMatchObject({ ok: false, status: 429 });
		// an hour later the address may submit again
		expect((await submit(form({ district: '500103', town: '' }), ip, new Date(T0.getTime() + 61 * 60_000))).ok).toBe(true);
	});

	it('shows an application only to the regulator of its region and the platform admin', async () => {
		const values = form();
		const r = await submit(values);
		if (!r.ok) throw new Error(r.message);
		expect(await getRegistration(t.db, r.id, yubei.regionPath)).toBeTruthy();
		expect(await getRegistration(t.db, r.id, admin.regionPath)).toBeTruthy();
		expect(await getRegistration(t.db, r.id, changshou.regionPath)).toBeUndefined();
		const [pending] = await listRegistrations(t.db, changshou.regionPath);
		expect(pending.map((p) => p.id)).not.toContain(r.id);
		// confirming or refusing from another region behaves as if it did not exist
		expect(await confirmRegistration(t.db, changshou, r.id, T0, LOGIN_URL)).toEqual({ ok: false, notFound: true });
		expect(await refuseRegistration(t.db, changshou, r.id, '不在本辖区', T0)).toEqual({ ok: false, notFound: true });
		const row = await t.db.selectFrom('registration_applications').select('status').where('id', '=', r.id).executeTakeFirstOrThrow();
		expect(row.status).toBe('pending');
		expect(await t.db.selectFrom('organisations').select('id').where('credit_code', '=', values.creditCode).executeTakeFirst()).toBeUndefined();
	});

	it('confirmation creates the enterprise, its contact, an enterprise admin with a one-time password, and an SMS', async () => {
		const values = form({ industry: 'hazchem', contactRole: 'principal' });
		const r = await submit(values);
		if (!r.ok) throw new Error(r.message);
		const result = await confirmRegistration(t.db, yubei, r.id, T0, LOGIN_URL);
		if (!result.ok) throw new Error(JSON.stringify(result));
		const org = await t.db
			.selectFrom('organisations as o')
			.innerJoin('industries as i', 'i.code', 'o.industry_code')
			.select(['o.id', 'o.kind', 'o.name', 'o.region_code', 'i.high_risk'])
			.where('o.credit_code', '=', values.creditCode)
			.executeTakeFirstOrThrow();
		expect(org).toMatchObject({ id: result.orgId, kind: 'enterprise', name: values.name, region_code: '500112004', high_risk: true });
		const person = await t.db.selectFrom('persons').selectAll().where('id_number', '=', values.contactIdNumber).executeTakeFirstOrThrow();
		expect(person).toMatchObject({ org_id: org.id, role_category: 'principal', mobile: values.contactMobile, name: values.contactName });
		const user = await t.db.selectFrom('users').selectAll().where('id', '=', result.userId!).executeTakeFirstOrThrow();
		expect(user).toMatchObject({ person_id: person.id, mobile: values.contactMobile, must_change_password: true });
		const memberships = await t.db.selectFrom('memberships').select(['role', 'org_id']).where('user_id', '=', user.id).execute();
		expect(memberships).toEqual([{ role: 'enterprise_admin', org_id: org.id }]);

		const sms = await t.db.selectFrom('outbound_messages').selectAll().where('idempotency_key', '=', `registration:${r.id}:confirmed`).executeTakeFirstOrThrow();
		expect(sms).toMatchObject({ channel: 'sms', address: values.contactMobile, kind: 'registration', user_id: user.id, status: 'queued' });
		expect(sms.body).toContain(result.password!);
		expect(sms.body).toContain(LOGIN_URL);
		const note = await t.db.selectFrom('notifications').selectAll().where('user_id', '=', user.id).executeTakeFirstOrThrow();
		expect(note.kind).toBe('registration');
		const app = await t.db.selectFrom('registration_applications').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
		expect(app).toMatchObject({ status: 'confirmed', decided_by: yubei.userId, created_org_id: org.id });
		const audit = await t.db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('target', '=', `registration:${r.id}`).where('action', '=', 'registration.confirm').execute();
		expect(audit).toEqual([{ action: 'registration.confirm', actor_user_id: yubei.userId }]);

		// the one-time password signs in, and the account must change it first
		const login = await loginWithPassword(t.db, { account: values.contactMobile, password: result.password!, ip: freshIp(), now: T0 });
		if (!login.ok) throw new Error('login failed');
		expect(login.mustChangePassword).toBe(true);
		const session = await validateSessionToken(t.db, login.token, T0);
		expect(session?.user.membership).toMatchObject({ role: 'enterprise_admin', orgId: org.id });

		// a second confirmation does nothing
		const twice = await confirmRegistration(t.db, admin, r.id, T0, LOGIN_URL);
		expect(twice.ok).toBe(false);
		expect(await t.db.selectFrom('organisations').select('id').where('credit_code', '=', values.creditCode).execute()).toHaveLength(1);

		// and the status page tells the applicant
		const status = await lookupRegistrationStatus(t.db, { creditCode: values.creditCode, mobile: values.contactMobile, ip: freshIp(), now: T0 });
		expect(status).toMatchObject({ ok: true, status: 'confirmed' });
		expect(await lookupRegistrationStatus(t.db, { creditCode: values.creditCode, mobile: nextMobile(), ip: freshIp(), now: T0 })).toMatchObject({ ok: false, status: 404 });
	});

	it('will not confirm when the contact is already on another enterprise\'s staff list', async () => {
		const other = await makeOrg(t.db, 'enterprise', '500112');
		const idNumber = validIdNumber('500112', '19800101');
		await t.db.insertInto('persons').values({ name: '已在册', id_number: idNumber, org_id: other, role_category: 'frontline' }).execute();
		const values = form({ contactIdNumber: idNumber });
		const r = await submit(values);
		if (!r.ok) throw new Error(r.message);
		const result = await confirmRegistration(t.db, admin, r.id, T0, LOGIN_URL);
		expect(result.ok).toBe(false);
		if (!result.ok && !result.notFound) expect(result.message).toContain('人员名单');
		expect(await t.db.selectFrom('organisations').select('id').where('credit_code', '=', values.creditCode).executeTakeFirst()).toBeUndefined();
		expect((await t.db.selectFrom('registration_applications').select('status').where('id', '=', r.id).executeTakeFirstOrThrow()).status).toBe('pending');
	});

	it('refusal records the reason and tells the applicant by SMS; nothing is created', async () => {
		const values = form();
		const r = await submit(values);
		if (!r.ok) throw new Error(r.message);
		const result = await refuseRegistration(t.db, admin, r.id, '营业执照名称与填写的名称不一致', T0);
		expect(result.ok).toBe(true);
		const app = await t.db.selectFrom('registration_applications').selectAll().where('id', '=', r.id).executeTakeFirstOrThrow();
		expect(app).toMatchObject({ status: 'refused', reason: '营业执照名称与填写的名称不一致', decided_by: admin.userId, created_org_id: null });
		const sms = await t.db.selectFrom('outbound_messages').selectAll().where('idempotency_key', '=', `registration:${r.id}:refused`).executeTakeFirstOrThrow();
		expect(sms).toMatchObject({ channel: 'sms', address: values.contactMobile, kind: 'registration' });
		expect(sms.body).toContain('营业执照名称与填写的名称不一致');
		expect(await t.db.selectFrom('organisations').select('id').where('credit_code', '=', values.creditCode).executeTakeFirst()).toBeUndefined();
		expect(await t.db.selectFrom('audit_log').select('action').where('target', '=', `registration:${r.id}`).where('action', '=', 'registration.refuse').execute()).toHaveLength(1);
		// the same enterprise may apply again after a refusal
		expect((await submit({ ...values, name: '重庆新申请机械有限公司（更正）' })).ok).toBe(true);
		const status = await lookupRegistrationStatus(t.db, { creditCode: values.creditCode, mobile: values.contactMobile, ip: freshIp(), now: T0 });
		expect(status).toMatchObject({ ok: true, status: 'pending' });
	});
});
