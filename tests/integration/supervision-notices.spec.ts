// Regulator 督办 (issue 12): a notice from a coverage gap list to chosen enterprises of the
// regulator's region, messages to their admins, acknowledgement once, tenancy on both sides, and
// "已整改" recomputed from the coverage counts after training rows change.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser, validIdNumber } from '../support/factories.ts';
import { makeCourse, makePerson } from '../support/study-factories.ts';
import { completeCourse } from '../../seeds/demo-coverage.ts';
import { createTarget } from '../../src/lib/server/coverage/targets-service.ts';
import {
	acknowledgeNotice,
	listNoticesForEnterprise,
	listNoticesForRegulator,
	loadGapList,
	loadNoticeForRegulator,
	openNoticeForEnterprise,
	sendSupervisionNotice,
	type RegulatorActor,
	type SendInput
} from '../../src/lib/server/supervision/notice-service.ts';
import { buildNoticeXlsx } from '../../src/lib/server/supervision/notice-xlsx.ts';
import { describeGap, gapState } from '../../src/lib/server/supervision/notice.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

const NOW = new Date('2026-06-15T04:00:00Z');
const LATER = new Date('2026-06-20T04:00:00Z');

describe('notice wording', () => {
	it('names the role categories below the goal with rate and counts', () => {
		const gap = { required: 6, covered: 3, byRole: [{ role: 'principal', required: 5, covered: 2 }, { role: 'frontline', required: 1, covered: 1 }] };
		expect(describeGap(gap, 100, '2026-12-31')).toBe('贵单位主要负责人覆盖率 40%（2/5），低于目标 100%，请于 2026-12-31 前完成。');
		expect(gapState({ required: 5, covered: 5 }, 100)).toBe('closed');
		expect(gapState({ required: 5, covered: 4 }, 80)).toBe('closed');
		expect(gapState({ required: 5, covered: 3 }, 80)).toBe('open');
		expect(gapState({ required: 0, covered: 0 }, 80)).toBe('none');
	});
});

describe.each(BACKENDS)('supervision notices (%s)', (backend) => {
	let t: TestDatabase;
	let db: Db;
	let course: number;
	let targetId: number;
	let entA: number, entB: number, entC: number, entD: number;
	let yubei: RegulatorActor, changshou: RegulatorActor, city: RegulatorActor;
	let adminA: { id: number; mobile: string }, adminA2: { id: number; mobile: string }, adminB: { id: number; mobile: string }, adminD: { id: number; mobile: string };
	let disabledA: { id: number };
	const persons: Record<string, number> = {};
	let firstNotice: number;
	let allNotice: number;

	const input = (patch: Partial<SendInput>): SendInput => ({
		targetId,
		nodeCode: '500112',
		recipients: 'chosen',
		orgIds: [],
		title: '关于主要负责人培训未达标的督办通知',
		body: '请于期限前组织未覆盖人员完成培训，并在平台签收。',
		deadline: '2026-07-31',
		...patch
	});
	const asEnterprise = (user: { id: number }, orgId: number) => ({ userId: user.id, role: 'enterprise_admin', orgId, personId: null, ip: '10.0.0.7' });
	const count = async (table: 'supervision_notices' | 'supervision_notice_recipients' | 'notifications' | 'outbound_messages') =>
		Number((await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		db = t.db;
		course = (await makeCourse(db, [{ minutes: 30 }])).courseId;
		entA = await makeOrg(db, 'enterprise', '500112', '渝北甲机械');
		entB = await makeOrg(db, 'enterprise', '500112', '渝北乙商贸');
		entC = await makeOrg(db, 'enterprise', '500112', '渝北丙建材');
		entD = await makeOrg(db, 'enterprise', '500115', '长寿丁化工');
		await db.updateTable('organisations').set({ region_code: '500112001' }).where('id', '=', entA).execute();
		for (const [key, org, role] of [
			['a1', entA, 'principal'],
			['a2', entA, 'principal'],
			['a3', entA, 'frontline'],
			['b1', entB, 'principal'],
			['c1', entC, 'principal'],
			['d1', entD, 'principal']
		] as const) {
			persons[key] = await makePerson(db, org, { role });
		}
		const created = await createTarget(
			db,
			{
				code: 'principal-2026',
				title: '2026年主要负责人全覆盖培训',
				regionCode: '500000',
				periodStart: '2026-01-01',
				periodEnd: '2026-12-31',
				deadline: '2026-12-31',
				goalPercent: 100,
				definition: {
					population: { orgKinds: ['enterprise'], roleCategories: ['principal', 'frontline'], industries: [], highRisk: null, scale: null },
					requirement: { study: { kind: 'any_course' }, exam: null, certificate: null }
				},
				sourceDoc: '渝安委〔2024〕6号',
				sourceClause: '附件 四、6'
			},
			{ userId: null, role: 'regulator', orgId: null, personId: null, regionPath: null, ip: null },
			NOW
		);
		targetId = (created as { id: number }).id;
		await completeCourse(db, persons.a3!, course, new Date('2026-03-10T02:00:00Z'));
		await completeCourse(db, persons.c1!, course, new Date('2026-03-10T02:00:00Z'));

		const regulator = async (region: string, path: string): Promise<RegulatorActor> => {
			const orgId = await makeOrg(db, 'regulator', region);
			const user = await makeUser(db, { role: 'regulator', orgId });
			return { userId: user.id, role: 'regulator', orgId, personId: null, regionPath: path, ip: '10.0.0.9' };
		};
		yubei = await regulator('500112', '/500000/500112/');
		changshou = await regulator('500115', '/500000/500115/');
		city = await regulator('500000', '/500000/');
		adminA = await makeUser(db, { role: 'enterprise_admin', orgId: entA });
		adminA2 = await makeUser(db, { role: 'enterprise_admin', orgId: entA });
		await db.updateTable('users').set({ mobile: null, id_number: validIdNumber() }).where('id', '=', adminA2.id).execute();
		disabledA = await makeUser(db, { role: 'enterprise_admin', orgId: entA, disabled: true });
		adminB = await makeUser(db, { role: 'enterprise_admin', orgId: entB });
		adminD = await makeUser(db, { role: 'enterprise_admin', orgId: entD });
	});
	afterAll(async () => t?.close());

	it('lists the enterprises below the goal under the node, worst first, only in the region', async () => {
		const list = await loadGapList(db, yubei, targetId, '500112');
		expect(list!.orgs.map((o) => [o.name, o.covered, o.required])).toEqual([
			['渝北乙商贸', 0, 1],
			['渝北甲机械', 1, 3]
		]);
		expect(await loadGapList(db, changshou, targetId, '500112')).toBeUndefined();
		expect((await loadGapList(db, city, targetId, '500000'))!.orgs.map((o) => o.name).sort()).toEqual(['渝北乙商贸', '渝北甲机械', '长寿丁化工'].sort());
	});

	it('sends to the chosen enterprise only: gap snapshot, a message to each enabled admin, an SMS where there is a mobile, an audit entry', async () => {
		const result = await sendSupervisionNotice(db, yubei, input({ orgIds: [entA] }), NOW);
		expect(result).toMatchObject({ ok: true, recipients: 1, withoutAdmin: 0 });
		firstNotice = (result as { id: number }).id;
		const recipients = await db.selectFrom('supervision_notice_recipients').selectAll().where('notice_id', '=', firstNotice).execute();
		expect(recipients).toHaveLength(1);
		expect(recipients[0]).toMatchObject({ org_id: entA, org_name: '渝北甲机械', required: 3, covered: 1, acknowledged_at: null });
		expect(recipients[0]!.by_role).toEqual([
			{ role: 'frontline', required: 1, covered: 1 },
			{ role: 'principal', required: 2, covered: 0 }
		]);
		const messages = await db.selectFrom('notifications').select(['user_id', 'kind', 'title', 'body', 'link']).orderBy('user_id').execute();
		expect(messages.map((m) => m.user_id)).toEqual([adminA.id, adminA2.id]); // not the disabled admin, not enterprise B
		expect(messages[0]).toMatchObject({ kind: 'supervision', title: '关于主要负责人培训未达标的督办通知', link: `/enterprise/notices/${firstNotice}` });
		expect(messages[0]!.body).toContain('贵单位主要负责人覆盖率 0%（0/2），低于目标 100%，请于 2026-07-31 前完成。');
		const sms = await db.selectFrom('outbound_messages').select(['user_id', 'channel', 'address', 'kind', 'body']).execute();
		expect(sms).toEqual([{ user_id: adminA.id, channel: 'sms', address: adminA.mobile, kind: 'supervision', body: expect.stringContaining('贵单位主要负责人覆盖率 0%（0/2）') }]);
		const audit = await db.selectFrom('audit_log').select(['action', 'target', 'actor_user_id']).where('action', '=', 'supervision.sent').execute();
		expect(audit).toEqual([{ action: 'supervision.sent', target: `supervision_notice:${firstNotice}`, actor_user_id: yubei.userId }]);
		expect(disabledA.id).toBeGreaterThan(0);
	});

	it('refuses recipients outside the region or already at the goal, and a node or target outside the region, writing nothing', async () => {
		const before = await Promise.all([count('supervision_notices'), count('supervision_notice_recipients'), count('notifications'), count('outbound_messages')]);
		const outside = await sendSupervisionNotice(db, yubei, input({ orgIds: [entA, entD] }), NOW);
		expect(outside).toMatchObject({ ok: false, errors: { orgs: expect.stringContaining('有 1 家不在') } });
		const atGoal = await sendSupervisionNotice(db, yubei, input({ orgIds: [entC] }), NOW);
		expect(atGoal).toMatchObject({ ok: false, errors: { orgs: expect.any(String) } });
		const forged = await sendSupervisionNotice(db, yubei, input({ orgIds: [999999] }), NOW);
		expect(forged).toMatchObject({ ok: false });
		expect(await sendSupervisionNotice(db, changshou, input({ orgIds: [entA] }), NOW)).toMatchObject({ ok: false, notFound: true });
		expect(await sendSupervisionNotice(db, changshou, input({ nodeCode: '500115', orgIds: [entA] }), NOW)).toMatchObject({ ok: false, errors: { orgs: expect.any(String) } });
		expect(await sendSupervisionNotice(db, yubei, input({ orgIds: [] }), NOW)).toMatchObject({ ok: false, errors: { orgs: expect.any(String) } });
		expect(await sendSupervisionNotice(db, yubei, input({ orgIds: [entA], deadline: '2026-06-14' }), NOW)).toMatchObject({ ok: false, errors: { deadline: '整改期限不能早于今天' } });
		expect(await sendSupervisionNotice(db, yubei, input({ orgIds: [entA], title: '  ' }), NOW)).toMatchObject({ ok: false, errors: { title: expect.any(String) } });
		const after = await Promise.all([count('supervision_notices'), count('supervision_notice_recipients'), count('notifications'), count('outbound_messages')]);
		expect(after).toEqual(before);
	});

	it('sends to all enterprises below the goal under the node', async () => {
		const result = await sendSupervisionNotice(db, yubei, input({ recipients: 'all', title: '全部未达标企业督办' }), NOW);
		expect(result).toMatchObject({ ok: true, recipients: 2 });
		allNotice = (result as { id: number }).id;
		const orgs = (await db.selectFrom('supervision_notice_recipients').select('org_id').where('notice_id', '=', allNotice).execute()).map((r) => r.org_id).sort();
		expect(orgs).toEqual([entA, entB].sort());
	});

	it('shows a regulator only the notices of its region', async () => {
		expect((await listNoticesForRegulator(db, yubei)).map((n) => n.id)).toEqual([allNotice, firstNotice]);
		expect((await listNoticesForRegulator(db, city)).map((n) => n.id)).toEqual([allNotice, firstNotice]);
		expect(await listNoticesForRegulator(db, changshou)).toEqual([]);
		expect(await loadNoticeForRegulator(db, changshou, firstNotice)).toBeUndefined();
		expect((await loadNoticeForRegulator(db, yubei, firstNotice))!.recipients.map((r) => r.orgName)).toEqual(['渝北甲机械']);
	});

	it('shows an enterprise only its own notices, unread first, and records the first reading', async () => {
		const listA = await listNoticesForEnterprise(db, entA, LATER);
		expect(listA.map((n) => [n.id, n.read])).toEqual([
			[allNotice, false],
			[firstNotice, false]
		]);
		const opened = await openNoticeForEnterprise(db, { orgId: entA }, firstNotice, LATER);
		expect(opened!.gapLine).toBe('贵单位主要负责人覆盖率 0%（0/2），低于目标 100%，请于 2026-07-31 前完成。');
		// the opened one goes below the unread one; both still before anything acknowledged
		expect((await listNoticesForEnterprise(db, entA, LATER)).map((n) => [n.id, n.read])).toEqual([
			[allNotice, false],
			[firstNotice, true]
		]);
		expect((await listNoticesForEnterprise(db, entB, LATER)).map((n) => n.id)).toEqual([allNotice]);
		expect(await openNoticeForEnterprise(db, { orgId: entB }, firstNotice, LATER)).toBeUndefined();
		expect(await openNoticeForEnterprise(db, { orgId: entD }, allNotice, LATER)).toBeUndefined();
		expect(await listNoticesForEnterprise(db, entD, LATER)).toEqual([]);
	});

	it('lets another enterprise neither acknowledge nor see; the recipient acknowledges once, audited, and the sender is told', async () => {
		expect(await acknowledgeNotice(db, asEnterprise(adminB, entB), { noticeId: firstNotice, note: '' }, LATER)).toMatchObject({ ok: false, notFound: true });
		expect(await acknowledgeNotice(db, asEnterprise(adminD, entD), { noticeId: 999999, note: '' }, LATER)).toMatchObject({ ok: false, notFound: true });
		expect(await acknowledgeNotice(db, asEnterprise(adminA, entA), { noticeId: firstNotice, note: '已安排 7 月 10 日集中培训' }, LATER)).toEqual({ ok: true });
		expect(await acknowledgeNotice(db, asEnterprise(adminA2, entA), { noticeId: firstNotice, note: '再次签收' }, LATER)).toEqual({ ok: false, errors: { form: '本通知已经签收过了' } });

		const view = await loadNoticeForRegulator(db, yubei, firstNotice);
		expect(view!.recipients[0]).toMatchObject({ orgId: entA, acknowledgedBy: '测试用户', ackNote: '已安排 7 月 10 日集中培训', state: 'open' });
		expect(view!.recipients[0]!.acknowledgedAt!.toISOString()).toBe(LATER.toISOString());
		const audit = await db.selectFrom('audit_log').select(['action', 'target', 'actor_user_id']).where('action', '=', 'supervision.acknowledged').execute();
		expect(audit).toEqual([{ action: 'supervision.acknowledged', target: `supervision_notice:${firstNotice}`, actor_user_id: adminA.id }]);
		const told = await db.selectFrom('notifications').select(['kind', 'title', 'link']).where('user_id', '=', yubei.userId).execute();
		expect(told).toEqual([{ kind: 'supervision_ack', title: '渝北甲机械已签收督办通知', link: `/regulator/notices/${firstNotice}` }]);
		// acknowledged ones sort after the one still to acknowledge
		expect((await listNoticesForEnterprise(db, entA, LATER)).map((n) => n.id)).toEqual([allNotice, firstNotice]);
	});

	it('keeps the gap at sending and the acknowledgement as written (append-only)', async () => {
		await expect(sql`update supervision_notice_recipients set covered = 3 where notice_id = ${firstNotice}`.execute(db)).rejects.toThrow();
		await expect(sql`update supervision_notice_recipients set ack_note = '改写' where notice_id = ${firstNotice}`.execute(db)).rejects.toThrow();
		await expect(sql`delete from supervision_notice_recipients where notice_id = ${firstNotice}`.execute(db)).rejects.toThrow();
		await expect(sql`update supervision_notices set title = '改写' where id = ${firstNotice}`.execute(db)).rejects.toThrow();
		await expect(sql`delete from supervision_notices where id = ${firstNotice}`.execute(db)).rejects.toThrow();
	});

	it('detects a gap closed after training rows change, against the gap at sending', async () => {
		let view = await loadNoticeForRegulator(db, yubei, allNotice);
		expect(view!.recipients.map((r) => [r.orgName, r.state])).toEqual([
			['渝北乙商贸', 'open'],
			['渝北甲机械', 'open']
		]);
		await completeCourse(db, persons.a1!, course, new Date('2026-06-18T02:00:00Z'));
		view = await loadNoticeForRegulator(db, yubei, allNotice);
		expect(view!.recipients.find((r) => r.orgId === entA)).toMatchObject({ state: 'open', now: { required: 3, covered: 2 } });
		await completeCourse(db, persons.a2!, course, new Date('2026-06-19T02:00:00Z'));
		view = await loadNoticeForRegulator(db, yubei, allNotice);
		const a = view!.recipients.find((r) => r.orgId === entA)!;
		expect(a).toMatchObject({ state: 'closed', atSending: { required: 3, covered: 1 }, now: { required: 3, covered: 3 } });
		expect(view!.recipients.find((r) => r.orgId === entB)!.state).toBe('open');
		const list = await listNoticesForRegulator(db, yubei);
		expect(list.find((n) => n.id === allNotice)).toMatchObject({ recipients: 2, closed: 1, acknowledged: 0 });
		expect(list.find((n) => n.id === firstNotice)).toMatchObject({ recipients: 1, closed: 1, acknowledged: 1, read: 1 });

		// the export the regulator prints says the same
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await buildNoticeXlsx(view!.notice, view!.recipients)) as never);
		const ws = wb.getWorksheet('督办情况')!;
		const rows = ws.getSheetValues().filter(Boolean).map((r) => (r as unknown[]).slice(1).map((v) => (v === undefined || v === null ? '' : String(v))));
		expect(rows[3]).toEqual(['序号', '单位', '发送时覆盖率', '发送时未达标类别', '当前覆盖率', '整改情况', '签收', '签收人', '签收时间', '签收说明']);
		const body = rows.slice(4);
		expect(body.map((r) => [r[1], r[2], r[4], r[5], r[6]])).toEqual([
			['渝北乙商贸', '0%（0/1）', '0%（0/1）', '未整改', '未读'],
			['渝北甲机械', '33.3%（1/3）', '100%（3/3）', '已整改', '未读']
		]);
	});
});
