// 特种作业 报名 and 资格审查 (issue 13, h1): 机构资质 on the day, age on both ends, photo checks,
// all-or-nothing batches, submission judged by the dated rules, review with reasons, races, tenancy
// of the applications and of their files.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import type { Actor } from '../../src/lib/server/audit/actor.ts';
import { drawDocument, drawPhoto, grantScope, makeWorker } from '../support/special-ops-factories-h1.ts';
import {
	applyAsIndividual,
	batchApply,
	findApplicationForEditor,
	reviewApplication,
	saveMaterials,
	type MaterialsInput
} from '../../src/lib/server/special-ops/application-service.ts';
import { countByStatusInRegion, findApplication, listApplications } from '../../src/lib/server/special-ops/applications.repository.ts';
import { canReadFile } from '../../src/lib/server/files/access.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

const NOW = new Date('2026-06-15T02:00:00Z'); // 19号令
const BEFORE_SWITCH = new Date('2026-05-20T02:00:00Z'); // 30号令

const file = (bytes: Uint8Array, name = 'a.png') => ({ name, bytes });
const complete = (patch: Partial<MaterialsInput> = {}): MaterialsInput => ({
	education: 'junior',
	healthDeclared: true,
	exemption: 'none',
	photo: file(drawPhoto()),
	idFront: file(drawDocument()),
	idBack: file(drawDocument()),
	evidence: null,
	submit: true,
	...patch
});

describe.each(BACKENDS)('特种作业 applications (%s)', (backend) => {
	let t: TestDatabase;
	let db: Db;
	let institution: number, unlicensed: number, otherInstitution: number;
	let ent: number, otherEnt: number;
	let entAdmin: Actor, otherEntAdmin: Actor, instAdmin: Actor, otherInstAdmin: Actor;
	let adult1: number, adult2: number, minor: number, retired: number, foreignWorker: number;
	let applications: number[] = [];

	const count = async (table: 'so_applications' | 'files' | 'audit_log') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
	const actor = (user: { id: number }, orgId: number, role: string, personId: number | null = null): Actor => ({ userId: user.id, role, orgId, personId, ip: '10.0.0.9' });

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		db = t.db;
		institution = await makeOrg(db, 'institution', '500112', '渝北安全培训中心');
		unlicensed = await makeOrg(db, 'institution', '500112', '无资质培训学校');
		otherInstitution = await makeOrg(db, 'institution', '500115', '长寿培训中心');
		ent = await makeOrg(db, 'enterprise', '500112', '渝北甲机械');
		otherEnt = await makeOrg(db, 'enterprise', '500112', '渝北乙商贸');
		await grantScope(db, institution, '1.2');
		await grantScope(db, institution, '2.1');
		await grantScope(db, otherInstitution, '1.2');
		// expired licence: 1.1 until 2026-05-31 only
		await grantScope(db, unlicensed, '1.1', '2025-01-01', '2026-05-31');
		entAdmin = actor(await makeUser(db, { role: 'enterprise_admin', orgId: ent }), ent, 'enterprise_admin');
		otherEntAdmin = actor(await makeUser(db, { role: 'enterprise_admin', orgId: otherEnt }), otherEnt, 'enterprise_admin');
		instAdmin = actor(await makeUser(db, { role: 'institution_admin', orgId: institution }), institution, 'institution_admin');
		otherInstAdmin = actor(await makeUser(db, { role: 'institution_admin', orgId: otherInstitution }), otherInstitution, 'institution_admin');
		adult1 = await makeWorker(db, ent, '19900315', { name: '王一' });
		adult2 = await makeWorker(db, ent, '19851120', { name: '李二', female: true });
		minor = await makeWorker(db, ent, '20080616', { name: '少年丙' }); // 18 on 2026-06-16, the day after NOW
		retired = await makeWorker(db, ent, '19660101', { name: '老丁' }); // 60 on 2026-01-01
		foreignWorker = await makeWorker(db, otherEnt, '19900101', { name: '外单位' });
	});
	afterAll(async () => t?.close());

	it('refuses an item the institution holds no 机构资质 for on the day, naming it', async () => {
		const none = await batchApply(db, entAdmin, { code: '1.2', institutionOrgId: unlicensed, personIds: [adult1] }, NOW);
		expect(none).toEqual({ ok: false, errors: { institution: '无资质培训学校在 2026-06-15 没有“低压电工作业”的机构资质（特种作业培训范围），不能受理该操作项目的报名' } });
		// the 1.1 licence ended on 2026-05-31: valid before, not after
		expect((await batchApply(db, entAdmin, { code: '1.1', institutionOrgId: unlicensed, personIds: [adult1] }, NOW)).ok).toBe(false);
		expect(await count('so_applications')).toBe(0);
		const enterpriseAsInstitution = await batchApply(db, entAdmin, { code: '1.2', institutionOrgId: otherEnt, personIds: [adult1] }, NOW);
		expect(enterpriseAsInstitution).toEqual({ ok: false, errors: { institution: '没有这家培训机构' } });
		expect(await batchApply(db, entAdmin, { code: '99.9', institutionOrgId: institution, personIds: [adult1] }, NOW)).toEqual({ ok: false, errors: { code: '请选择目录中的操作项目' } });
	});

	it('refuses a batch with a worker under 18 or over the retirement age, naming them, and creates none', async () => {
		const r = await batchApply(db, entAdmin, { code: '1.2', institutionOrgId: institution, personIds: [adult1, minor, retired] }, NOW);
		expect(r.ok).toBe(false);
		const message = !r.ok ? r.errors.persons! : '';
		expect(message).toContain('少年丙：2026-06-15 时未满18周岁（17 周岁），不符合年龄条件（依据：19号令');
		expect(message).toContain('老丁：2026-06-15 时已 60 周岁，超过国家法定退休年龄（男60周岁）');
		expect(message).not.toContain('王一');
		expect(await count('so_applications')).toBe(0);
		// a day later the minor is 18
		expect((await batchApply(db, entAdmin, { code: '2.1', institutionOrgId: institution, personIds: [minor] }, new Date('2026-06-16T02:00:00Z'))).ok).toBe(true);
	});

	it("refuses another enterprise's worker and a second open application for the same item", async () => {
		const foreign = await batchApply(db, entAdmin, { code: '1.2', institutionOrgId: institution, personIds: [adult1, foreignWorker] }, NOW);
		expect(foreign).toEqual({ ok: false, errors: { persons: '所选员工中有 1 人不在本单位在职名单中，请刷新页面后重新选择' } });
		const ok = await batchApply(db, entAdmin, { code: '1.2', institutionOrgId: institution, personIds: [adult1, adult2] }, NOW);
		expect(ok.ok).toBe(true);
		applications = ok.ok ? ok.ids : [];
		expect(applications).toHaveLength(2);
		const again = await batchApply(db, entAdmin, { code: '1.2', institutionOrgId: institution, personIds: [adult2] }, NOW);
		expect(again.ok).toBe(false);
		expect(!again.ok && again.errors.persons).toContain('李二：已有一份低压电工作业的报名');
		const rows = await listApplications(db, { enterpriseOrgId: ent });
		expect(rows.filter((a) => a.special_operation_code === '1.2').map((a) => a.status)).toEqual(['draft', 'draft']);
		const audit = await db.selectFrom('audit_log').select(['action', 'actor_user_id']).where('action', '=', 'so_application.batch_create').execute();
		expect(audit).toHaveLength(2);
	});

	it('refuses a photo that is not an image, too small or 20 MB, storing nothing', async () => {
		const [id] = applications;
		const files = await count('files');
		const notImage = await saveMaterials(db, entAdmin, id!, complete({ photo: file(new TextEncoder().encode('GIF89a not allowed'), 'x.gif') }), NOW);
		expect(notImage).toEqual({ ok: false, errors: { photo: '证件照不是 JPEG 或 PNG 图片，请重新选择' } });
		const small = await saveMaterials(db, entAdmin, id!, complete({ photo: file(drawPhoto({ width: 200, height: 280 })) }), NOW);
		expect(small).toEqual({ ok: false, errors: { photo: '证件照尺寸 200×280 像素，小于最低要求 295×413 像素' } });
		const huge = new Uint8Array(20 * 1024 * 1024);
		huge.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
		expect(await saveMaterials(db, entAdmin, id!, complete({ photo: file(huge) }), NOW)).toEqual({ ok: false, errors: { photo: '证件照有 20 MB，超过上限 2 MB' } });
		const idCard = await saveMaterials(db, entAdmin, id!, complete({ idFront: file(new TextEncoder().encode('%PDF-1.4')) }), NOW);
		expect(idCard).toEqual({ ok: false, errors: { idFront: '身份证人像面不是 JPEG 或 PNG 图片，请重新选择' } });
		expect(await count('files')).toBe(files);
		expect((await findApplication(db, id!))!.status).toBe('draft');
	});

	it('refuses a submission with missing materials or a failing rule, naming it; a complete one is submitted', async () => {
		const [id] = applications;
		const missing = await saveMaterials(db, entAdmin, id!, complete({ photo: null, idBack: null }), NOW);
		expect(missing).toEqual({ ok: false, errors: { photo: '请上传证件照', idBack: '请上传身份证国徽面' } });
		const noHealth = await saveMaterials(db, entAdmin, id!, complete({ healthDeclared: false }), NOW);
		expect(noHealth.ok).toBe(false);
		expect(!noHealth.ok && noHealth.errors.eligibility).toContain('请勾选个人健康书面承诺（依据：应急管理部公告2018年第12号（个人健康书面承诺），二手）');
		expect((await findApplication(db, id!))!.status).toBe('draft');

		// saving without submitting keeps the draft, with the photo and its hash
		expect(await saveMaterials(db, entAdmin, id!, complete({ submit: false }), NOW)).toEqual({ ok: true, submitted: false });
		const draft = (await findApplication(db, id!))!;
		expect(draft.status).toBe('draft');
		expect(draft.photo_sha256).toMatch(/^[0-9a-f]{64}$/);
		// under 19号令 电工作业 needs no education; submitting with nothing new uploaded uses what is stored
		expect(await saveMaterials(db, entAdmin, id!, complete({ education: null, photo: null, idFront: null, idBack: null }), NOW)).toEqual({ ok: true, submitted: true });
		const submitted = (await findApplication(db, id!))!;
		expect(submitted.status).toBe('submitted');
		expect((submitted.eligibility as { regime: string; ok: boolean }).regime).toBe('order19');
		expect(await saveMaterials(db, entAdmin, id!, complete(), NOW)).toMatchObject({ ok: false, errors: { form: expect.stringContaining('已提交') } });
	});

	it('applies the 30号令 education rule before 2026-06-01 (焊接 needs 初中) and not after', async () => {
		const r = await batchApply(db, entAdmin, { code: '2.1', institutionOrgId: institution, personIds: [adult2] }, BEFORE_SWITCH);
		expect(r.ok).toBe(true);
		const id = r.ok ? r.ids[0]! : 0;
		const before = await saveMaterials(db, entAdmin, id, complete({ education: 'primary' }), BEFORE_SWITCH);
		expect(before.ok).toBe(false);
		expect(!before.ok && before.errors.eligibility).toContain('文化程度小学，焊接与热切割作业要求初中或相当于初中及以上（依据：30号令 第四条（三））');
		expect(await saveMaterials(db, entAdmin, id, complete({ education: 'primary' }), NOW)).toEqual({ ok: true, submitted: true });
	});

	it('keeps applications and their files to the enterprise, the applicant, the institution and the region', async () => {
		const [id] = applications;
		const app = (await findApplication(db, id!))!;
		expect(await findApplicationForEditor(db, otherEntAdmin, id!)).toBeUndefined();
		expect(await saveMaterials(db, otherEntAdmin, id!, complete(), NOW)).toMatchObject({ ok: false, notFound: true });
		expect(await reviewApplication(db, otherInstAdmin, id!, { decision: 'accept', reason: '' }, NOW)).toMatchObject({ ok: false, notFound: true });
		const photo = app.photo_file_id!;
		const scope = (role: string, orgId: number, extra: { personId?: number | null; regionPath?: string } = {}) =>
			({ role, orgId, userId: 1, personId: extra.personId ?? null, regionPath: extra.regionPath }) as Parameters<typeof canReadFile>[1];
		expect(await canReadFile(db, scope('enterprise_admin', ent), photo)).toBe(true);
		expect(await canReadFile(db, scope('enterprise_admin', otherEnt), photo)).toBe(false);
		expect(await canReadFile(db, scope('institution_admin', institution), photo)).toBe(true);
		expect(await canReadFile(db, scope('institution_admin', otherInstitution), photo)).toBe(false);
		expect(await canReadFile(db, scope('learner', ent, { personId: adult1 }), photo)).toBe(true);
		expect(await canReadFile(db, scope('learner', ent, { personId: adult2 }), photo)).toBe(false);
		expect(await canReadFile(db, scope('regulator', 0, { regionPath: '/500000/500112/' }), photo)).toBe(true);
		expect(await canReadFile(db, scope('regulator', 0, { regionPath: '/500000/500115/' }), photo)).toBe(false);
	});

	it('reviews: reasons required to return or refuse; a returned application is corrected and resubmitted; a race is refused', async () => {
		const [id] = applications;
		expect(await reviewApplication(db, instAdmin, id!, { decision: 'return', reason: ' ' }, NOW)).toEqual({ ok: false, errors: { reason: '退回补正须填写理由（至少 2 个字），申请人会看到' } });
		expect(await reviewApplication(db, instAdmin, id!, { decision: 'return', reason: '照片背景不符合要求' }, NOW)).toEqual({ ok: true });
		const returned = (await findApplication(db, id!))!;
		expect(returned).toMatchObject({ status: 'returned', review_reason: '照片背景不符合要求' });
		expect(await reviewApplication(db, instAdmin, id!, { decision: 'accept', reason: '' }, NOW)).toMatchObject({ ok: false, errors: { form: expect.stringContaining('不在待审查状态') } });
		expect(await saveMaterials(db, entAdmin, id!, complete({ photo: file(drawPhoto({ format: 'jpeg' }), 'new.jpg') }), NOW)).toEqual({ ok: true, submitted: true });
		const resubmitted = (await findApplication(db, id!))!;
		expect(resubmitted.photo_sha256).not.toBe(returned.photo_sha256);
		expect(resubmitted).toMatchObject({ status: 'submitted', review_reason: null, reviewed_at: null });

		// two reviewers at once: exactly one wins
		const both = await Promise.all([
			reviewApplication(db, instAdmin, id!, { decision: 'accept', reason: '' }, NOW),
			reviewApplication(db, instAdmin, id!, { decision: 'refuse', reason: '重复审查' }, NOW)
		]);
		expect(both.filter((r) => r.ok)).toHaveLength(1);
		expect(['accepted', 'refused']).toContain((await findApplication(db, id!))!.status);
		const actions = (await db.selectFrom('audit_log').select('action').where('target', '=', `so_application:${id}`).orderBy('id').execute()).map((a) => a.action);
		expect(actions.slice(0, 4)).toEqual(['so_application.materials', 'so_application.submit', 'so_application.return', 'so_application.resubmit']);
		expect(actions).toHaveLength(5);
	});

	it('refuses to accept an application whose materials are incomplete', async () => {
		const id = applications[1]!;
		await db.updateTable('so_applications').set({ status: 'submitted' }).where('id', '=', id).execute();
		expect(await reviewApplication(db, instAdmin, id, { decision: 'accept', reason: '' }, NOW)).toEqual({ ok: false, errors: { form: '材料不全（证件照或身份证图片缺失），不能受理，请退回补正' } });
		expect(await reviewApplication(db, instAdmin, id, { decision: 'refuse', reason: '材料长期未补齐' }, NOW)).toEqual({ ok: true });
	});

	it('lets a person apply alone, all or nothing', async () => {
		const learnerUser = await makeUser(db, { role: 'learner', orgId: ent });
		await db.updateTable('users').set({ person_id: minor }).where('id', '=', learnerUser.id).execute();
		const learner = actor(learnerUser, ent, 'learner', minor);
		const before = await count('so_applications');
		const young = await applyAsIndividual(db, learner, { ...complete(), code: '1.2', institutionOrgId: institution }, NOW);
		expect(young.ok).toBe(false);
		expect(!young.ok && young.errors.eligibility).toContain('未满18周岁');
		expect(await count('so_applications')).toBe(before);
		const ok = await applyAsIndividual(db, learner, { ...complete(), code: '1.2', institutionOrgId: institution }, new Date('2026-06-20T02:00:00Z'));
		expect(ok.ok).toBe(true);
		const row = (await findApplication(db, ok.ok ? ok.id : 0))!;
		expect(row).toMatchObject({ channel: 'individual', enterprise_org_id: null, status: 'submitted' });
		expect(await canReadFile(db, { role: 'learner', orgId: ent, userId: learnerUser.id, personId: minor }, row.photo_file_id!)).toBe(true);
		expect(await canReadFile(db, { role: 'enterprise_admin', orgId: ent, userId: 1, personId: null }, row.photo_file_id!)).toBe(false);
	});

	it("counts the region's applications for the regulator", async () => {
		const yubei = await countByStatusInRegion(db, '/500000/500112/');
		expect(Object.values(yubei).reduce((a, b) => a + b, 0)).toBe(await count('so_applications'));
		expect(await countByStatusInRegion(db, '/500000/500115/')).toEqual({});
	});
});
