import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, countAllRows, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser, TEST_PASSWORD, validCreditCode } from '../support/factories.ts';
import {
	addInstitutionScopes,
	createOrganisation,
	createOrgAdmin,
	editOrganisation,
	reactivateOrganisation,
	suspendOrganisation
} from '../../src/lib/server/orgs/org-admin.ts';
import { SYSTEM_ACTOR, type Actor } from '../../src/lib/server/audit/actor.ts';
import { listOrganisations } from '../../src/lib/server/orgs/org-admin.query.ts';
import { getOrganisation } from '../../src/lib/server/orgs/orgs.query.ts';
import { orgSchema, type OrgInput } from '../../src/lib/schemas/org.ts';
import { describeLoginFailure, loginWithPassword } from '../../src/lib/server/auth/login.ts';
import { createSession, validateSessionToken } from '../../src/lib/server/auth/session.ts';
import { findOwnMembership } from '../../src/lib/server/auth/memberships.ts';

const T0 = new Date('2026-12-05T08:00:00Z');
const YUBEI = '/500000/500112/';

function enterprise(overrides: Partial<Extract<OrgInput, { kind: 'enterprise' }>> = {}): OrgInput {
	return {
		kind: 'enterprise',
		name: '重庆测试机械有限公司',
		creditCode: validCreditCode('500112'),
		regionCode: '500112004',
		industryCode: 'it_machinery',
		scale: null,
		standardizationLevel: null,
		address: '渝北区龙溪街道1号',
		legalRep: '王建华',
		...overrides
	};
}

describe('organisation form rules', () => {
	it('refuses malformed credit codes with the GB 32100 reason', () => {
		const good = validCreditCode('500112');
		const wrongCheck = good.slice(0, 17) + (good[17] === '0' ? '1' : '0');
		const cases: [string, string][] = [
			['91500112MA', '应为18位'],
			['91500112MA5YBJ0GIO', '不允许的字符'],
			[wrongCheck, '校验位不正确（GB 32100）']
		];
		for (const [code, message] of cases) {
			const r = orgSchema.safeParse({ kind: 'enterprise', name: '某公司', creditCode: code, regionCode: '500112', industryCode: 'it_machinery' });
			expect(r.success, code).toBe(false);
			expect(r.error?.issues.find((i) => i.path[0] === 'creditCode')?.message, code).toContain(message);
		}
		const lower = orgSchema.safeParse({ kind: 'enterprise', name: '某公司', creditCode: ` ${good.toLowerCase()} `, regionCode: '500112', industryCode: 'it_machinery' });
		expect(lower.success && lower.data.creditCode).toBe(good);
		// regulators and government bodies may leave it empty
		expect(orgSchema.safeParse({ kind: 'regulator', name: '某应急管理局', creditCode: '', regionCode: '500112' }).success).toBe(true);
	});
});

describe.each(BACKENDS)('organisations: create, edit, suspend, reactivate (%s)', (backend) => {
	let t: TestDatabase;
	let admin: Actor;
	let yubeiRegulator: Actor;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		const platform = await makeOrg(t.db, 'platform', '500000');
		const u = await makeUser(t.db, { role: 'platform_admin', orgId: platform });
		admin = { ...SYSTEM_ACTOR, userId: u.id, role: 'platform_admin', ip: '10.2.0.1' };
		const reg = await makeOrg(t.db, 'regulator', '500112');
		const r = await makeUser(t.db, { role: 'regulator', orgId: reg });
		yubeiRegulator = { ...SYSTEM_ACTOR, userId: r.id, role: 'regulator', ip: '10.2.0.2' };
	});
	afterAll(async () => t?.close());

	it('creates an enterprise with its address and legal representative, 高危 from its industry, audited', async () => {
		const input = enterprise({ industryCode: 'hazchem' });
		const r = await createOrganisation(t.db, admin, input, null, null, T0);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const org = await getOrganisation(t.db, r.id);
		expect(org).toMatchObject({ kind: 'enterprise', status: 'active', address: '渝北区龙溪街道1号', legal_rep: '王建华', high_risk: true, region_name: '龙溪街道' });
		const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'org.created').where('target', '=', `org:${r.id}`).executeTakeFirstOrThrow();
		expect(audit.actor_user_id).toBe(admin.userId);
	});

	it('refuses a credit code already registered, naming the organisation, and writes nothing', async () => {
		const code = validCreditCode('500112');
		expect((await createOrganisation(t.db, admin, enterprise({ creditCode: code, name: '先登记的公司' }), null, null, T0)).ok).toBe(true);
		const before = await countAllRows(t.db);
		const r = await createOrganisation(t.db, yubeiRegulator, enterprise({ creditCode: code, name: '后来的公司' }), null, YUBEI, T0);
		expect(r).toEqual({ ok: false, errors: { creditCode: expect.stringContaining('已登记为「先登记的公司」') } });
		expect(await countAllRows(t.db)).toEqual(before);
		// editing another enterprise to that code is refused too
		const other = await createOrganisation(t.db, admin, enterprise(), null, null, T0);
		if (!other.ok) throw new Error('setup');
		const edit = await editOrganisation(t.db, admin, other.id, enterprise({ creditCode: code }), null, T0);
		expect(edit).toMatchObject({ ok: false, errors: { creditCode: expect.stringContaining('先登记的公司') } });
	});

	it('refuses a region outside the regulator\'s jurisdiction, and other kinds than enterprises', async () => {
		const before = await countAllRows(t.db);
		const r = await createOrganisation(t.db, yubeiRegulator, enterprise({ regionCode: '500115003' }), null, YUBEI, T0);
		expect(r).toEqual({ ok: false, errors: { regionCode: '所在区域（晏家街道）不在本部门辖区内，不能登记' } });
		const inst = await createOrganisation(t.db, yubeiRegulator, { kind: 'institution', name: '某培训学校', creditCode: validCreditCode(), regionCode: '500112', address: null, legalRep: null }, null, YUBEI, T0);
		expect(inst).toMatchObject({ ok: false, errors: { kind: expect.stringContaining('只能登记本辖区的企业') } });
		expect(await countAllRows(t.db)).toEqual(before);
		const own = await createOrganisation(t.db, yubeiRegulator, enterprise({ regionCode: '500112007' }), null, YUBEI, T0);
		expect(own.ok).toBe(true);
	});

	it("a regulator cannot edit another region's enterprise (not found) nor move its own out of the region", async () => {
		const changshou = await createOrganisation(t.db, admin, enterprise({ regionCode: '500115003', name: '长寿某公司' }), null, null, T0);
		const yubei = await createOrganisation(t.db, admin, enterprise({ name: '渝北某公司' }), null, null, T0);
		if (!changshou.ok || !yubei.ok) throw new Error('setup');
		const foreign = await editOrganisation(t.db, yubeiRegulator, changshou.id, enterprise({ regionCode: '500115003', name: '改名' }), YUBEI, T0);
		expect(foreign).toMatchObject({ ok: false, notFound: true });
		expect((await getOrganisation(t.db, changshou.id))?.name).toBe('长寿某公司');
		expect(await getOrganisation(t.db, changshou.id, { regionPath: YUBEI })).toBeUndefined();
		const moved = await editOrganisation(t.db, yubeiRegulator, yubei.id, enterprise({ regionCode: '500115003' }), YUBEI, T0);
		expect(moved).toMatchObject({ ok: false, errors: { regionCode: expect.stringContaining('不在本部门辖区内') } });
		const ok = await editOrganisation(t.db, yubeiRegulator, yubei.id, enterprise({ name: '渝北某公司（更名）', creditCode: (await getOrganisation(t.db, yubei.id))!.credit_code! }), YUBEI, T0);
		expect(ok).toEqual({ ok: true });
		expect((await getOrganisation(t.db, yubei.id))?.name).toBe('渝北某公司（更名）');
		// suspension follows the same rule
		expect(await suspendOrganisation(t.db, yubeiRegulator, changshou.id, '越权', YUBEI, T0)).toMatchObject({ ok: false, notFound: true });
		expect((await getOrganisation(t.db, changshou.id))?.status).toBe('active');
		expect(await suspendOrganisation(t.db, yubeiRegulator, yubei.id, '停产整顿', YUBEI, T0)).toEqual({ ok: true });
		expect(await reactivateOrganisation(t.db, yubeiRegulator, yubei.id, YUBEI, T0)).toEqual({ ok: true });
	});

	it('records an institution\'s 机构资质: scope items incl. 特种作业, filing regulator and validity', async () => {
		const regulator = await makeOrg(t.db, 'regulator', '500000');
		const r = await createOrganisation(
			t.db,
			admin,
			{ kind: 'institution', name: '某安全培训中心', creditCode: validCreditCode(), regionCode: '500112', address: null, legalRep: null },
			{ scopes: ['principal', 'safety_manager', 'so:1.1'], filedWithOrgId: regulator, validFrom: '2026-01-01', validUntil: '2029-12-31' },
			null,
			T0
		);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const rows = await t.db.selectFrom('institution_scopes').selectAll().where('institution_org_id', '=', r.id).orderBy('id').execute();
		expect(rows.map((s) => [s.scope, s.special_operation_code, s.filed_with_org_id, s.valid_until])).toEqual([
			['principal', null, regulator, '2029-12-31'],
			['safety_manager', null, regulator, '2029-12-31'],
			['special_operation', '1.1', regulator, '2029-12-31']
		]);
		const unknown = await addInstitutionScopes(t.db, admin, r.id, { scopes: ['so:99.9'], filedWithOrgId: null, validFrom: '2026-01-01', validUntil: null }, T0);
		expect(unknown).toMatchObject({ ok: false, errors: { scopes: expect.stringContaining('99.9') } });
	});

	it('creates an organisation\'s first admin with a one-time password that must be changed', async () => {
		const org = await createOrganisation(t.db, admin, { kind: 'regulator', name: '重庆市渝北区应急管理局（测试）', creditCode: null, regionCode: '500112', address: null, legalRep: null }, null, null, T0);
		if (!org.ok) throw new Error('setup');
		const r = await createOrgAdmin(t.db, admin, org.id, { name: '李执法', mobile: '13900005555', idNumber: null }, T0);
		expect(r).toMatchObject({ ok: true, role: 'regulator' });
		if (!r.ok) return;
		const login = await loginWithPassword(t.db, { account: '13900005555', password: r.password, ip: '10.2.0.3', now: T0 });
		expect(login).toMatchObject({ ok: true, mustChangePassword: true });
		const before = await countAllRows(t.db);
		const dup = await createOrgAdmin(t.db, admin, org.id, { name: '另一人', mobile: '13900005555', idNumber: null }, T0);
		expect(dup).toMatchObject({ ok: false, errors: { mobile: expect.stringContaining('已有账号') } });
		expect(await countAllRows(t.db)).toEqual(before);
	});

	it('suspension keeps the records, refuses logins in Chinese and ends sessions; reactivation restores', async () => {
		const created = await createOrganisation(t.db, admin, enterprise({ name: '将被停用的公司' }), null, null, T0);
		if (!created.ok) throw new Error('setup');
		const orgId = created.id;
		const user = await makeUser(t.db, { role: 'enterprise_admin', orgId });
		const session = await loginWithPassword(t.db, { account: user.mobile, password: TEST_PASSWORD, ip: '10.2.0.4', now: T0 });
		if (!session.ok) throw new Error('setup');
		expect(await validateSessionToken(t.db, session.token, T0)).not.toBeNull();
		const membershipsBefore = await t.db.selectFrom('memberships').select('id').where('org_id', '=', orgId).execute();

		const s = await suspendOrganisation(t.db, admin, orgId, '企业已注销，待核实', null, T0);
		expect(s).toEqual({ ok: true });
		expect(await getOrganisation(t.db, orgId)).toMatchObject({ status: 'suspended', suspended_reason: '企业已注销，待核实' });
		expect(await validateSessionToken(t.db, session.token, T0)).toBeNull();
		const refused = await loginWithPassword(t.db, { account: user.mobile, password: TEST_PASSWORD, ip: '10.2.0.4', now: T0 });
		expect(refused).toMatchObject({ ok: false, reason: 'suspended' });
		if (refused.ok) return;
		expect(describeLoginFailure(refused).message).toMatch(/^单位已停用/);
		expect(await t.db.selectFrom('sessions').select('id').where('user_id', '=', user.id).execute()).toEqual([]);
		// every record stays
		expect(await t.db.selectFrom('memberships').select('id').where('org_id', '=', orgId).execute()).toEqual(membershipsBefore);
		expect(await t.db.selectFrom('users').select('id').where('id', '=', user.id).execute()).toHaveLength(1);
		expect((await listOrganisations(t.db, { kind: null, status: 'suspended', q: null })).map((o) => o.id)).toContain(orgId);
		expect(await suspendOrganisation(t.db, admin, orgId, '再次', null, T0)).toMatchObject({ ok: false });
		const actions = await t.db.selectFrom('audit_log').select('action').where('target', '=', `org:${orgId}`).execute();
		expect(actions.map((a) => a.action)).toContain('org.suspended');

		expect(await reactivateOrganisation(t.db, admin, orgId, null, T0)).toEqual({ ok: true });
		expect(await getOrganisation(t.db, orgId)).toMatchObject({ status: 'active', suspended_at: null, suspended_reason: null });
		const again = await loginWithPassword(t.db, { account: user.mobile, password: TEST_PASSWORD, ip: '10.2.0.4', now: T0 });
		expect(again.ok).toBe(true);
	});

	it('a session acting for a suspended organisation ends even if started elsewhere; a user with another active membership still logs in', async () => {
		const a = await createOrganisation(t.db, admin, enterprise({ name: '甲公司' }), null, null, T0);
		const b = await createOrganisation(t.db, admin, enterprise({ name: '乙公司' }), null, null, T0);
		if (!a.ok || !b.ok) throw new Error('setup');
		const user = await makeUser(t.db, { role: 'enterprise_admin', orgId: a.id });
		const second = await t.db.insertInto('memberships').values({ user_id: user.id, role: 'learner', org_id: b.id }).returning('id').executeTakeFirstOrThrow();
		await suspendOrganisation(t.db, admin, a.id, '停业整顿', null, T0);
		const login = await loginWithPassword(t.db, { account: user.mobile, password: TEST_PASSWORD, ip: '10.2.0.5', now: T0 });
		expect(login.ok).toBe(true);
		if (!login.ok) return;
		const v = await validateSessionToken(t.db, login.token, T0);
		expect(v?.user.membership).toMatchObject({ id: second.id, orgId: b.id, role: 'learner' });
		const suspendedMembership = await t.db.selectFrom('memberships').select('id').where('user_id', '=', user.id).where('org_id', '=', a.id).executeTakeFirstOrThrow();
		expect(await findOwnMembership(t.db, user.id, suspendedMembership.id)).toBeUndefined();
		// a session that acts for the suspended membership (however it came about) is not valid
		const stale = await createSession(t.db, user.id, suspendedMembership.id, T0);
		expect(await validateSessionToken(t.db, stale.token, T0)).toBeNull();
		expect(await findOwnMembership(t.db, user.id, second.id)).toBeDefined();
	});

	it('lists organisations by kind, status and search text (wildcards literal)', async () => {
		const all = await listOrganisations(t.db, { kind: 'enterprise', status: null, q: null });
		expect(all.length).toBeGreaterThan(3);
		expect(all.every((o) => o.kind === 'enterprise')).toBe(true);
		expect((await listOrganisations(t.db, { kind: null, status: null, q: '甲公司' })).map((o) => o.name)).toEqual(['甲公司']);
		expect(await listOrganisations(t.db, { kind: null, status: null, q: '%' })).toEqual([]);
		expect((await listOrganisations(t.db, { kind: null, status: null, q: null })).some((o) => o.kind === 'platform')).toBe(false);
	});
});
