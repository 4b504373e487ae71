import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { createHash } from 'node:crypto';
import { BACKENDS, countAllRows, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { creditCodeCheckChar } from '../../src/lib/domain/identifiers.ts';
import { getOrganisation } from '../../src/lib/server/orgs/orgs.query.ts';
import { importDirectoryXlsx, type DirectoryImportResult } from '../../src/lib/server/orgs/directory-import.ts';
import { DIRECTORY_COLUMNS, buildDirectoryTemplateXlsx, type DirectoryColumn, type RowError } from '../../src/lib/server/orgs/directory-excel.ts';
import { listIndustries, listJurisdictionRegions } from '../../src/lib/server/orgs/directory.repository.ts';

const NOW = new Date('2026-12-05T02:00:00Z');
const YUBEI = '/500000/500112/';
type Row = Partial<Record<DirectoryColumn, ExcelJS.CellValue>>;

let seq = 0;
function creditCode(region = '500112'): string {
	const first17 = `92${region}DR${String(++seq).padStart(7, '0')}`;
	return first17 + creditCodeCheckChar(first17);
}

function enterprise(overrides: Row = {}): Row {
	return { 统一社会信用代码: creditCode(), 企业名称: `渝北名录企业${seq}有限公司`, '所在区县/乡镇街道': '龙溪街道', 行业: '机械', ...overrides };
}

async function workbook(rows: Row[], headers: readonly string[] = DIRECTORY_COLUMNS): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet('企业名录');
	ws.addRow([...headers]);
	for (const r of rows) ws.addRow(headers.map((h) => (h in r ? r[h as DirectoryColumn] : null)));
	return Buffer.from(await wb.xlsx.writeBuffer());
}

function errorsOf(r: DirectoryImportResult): RowError[] {
	if (r.ok) throw new Error(`expected errors, created ${r.created}`);
	return r.errors;
}

describe.each(BACKENDS)('enterprise directory import (%s)', (backend) => {
	let t: TestDatabase;
	let regulatorUserId: number;
	let regulatorOrgId: number;
	const run = async (data: Uint8Array, regionPath = YUBEI) =>
		importDirectoryXlsx(t.db, { data }, { userId: regulatorUserId, role: 'regulator', orgId: regulatorOrgId, personId: null, regionPath, ip: '10.2.0.1' }, NOW);
	const refused = async (data: Uint8Array) => {
		const before = await countAllRows(t.db);
		const errors = errorsOf(await run(data));
		expect(await countAllRows(t.db)).toEqual(before);
		return errors;
	};
	const byCode = (code: unknown) =>
		t.db.selectFrom('organisations').selectAll().where('credit_code', '=', String(code)).executeTakeFirst();

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		regulatorOrgId = await makeOrg(t.db, 'regulator', '500112', '渝北区应急管理局');
		regulatorUserId = (await makeUser(t.db, { role: 'regulator', orgId: regulatorOrgId })).id;
	});
	afterAll(async () => t?.close());

	it('template lists the columns, the industries with 高危 and only the regulator’s regions', async () => {
		const buf = await buildDirectoryTemplateXlsx(await listJurisdictionRegions(t.db, YUBEI), await listIndustries(t.db));
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(buf as unknown as ArrayBuffer);
		expect(wb.getWorksheet('企业名录')!.getRow(1).values).toEqual([undefined, ...DIRECTORY_COLUMNS]);
		const notes: string[] = [];
		wb.getWorksheet('填写说明')!.eachRow((r) => notes.push((r.values as unknown[]).slice(1).join('|')));
		expect(notes).toContain('危险化学品|hazchem|是');
		expect(notes).toContain('龙溪街道|500112004|渝北区');
		expect(notes.some((n) => n.startsWith('凤城街道'))).toBe(false); // 长寿区
	});

	it('creates enterprises (region by name, code or 区县/乡镇; industry by name or code), active, without accounts, audited once', async () => {
		const rows = [
			enterprise({ 地址: '重庆市渝北区龙溪街道1号', 法定代表人: '王五', 联系人: '赵六', 联系电话: '023-67891234' }),
			enterprise({ '所在区县/乡镇街道': 500112, 行业: 'hazchem' }),
			enterprise({ '所在区县/乡镇街道': '渝北区/回兴街道', 行业: '危险化学品', 联系电话: 13800138000 })
		];
		const data = await workbook(rows);
		const before = await countAllRows(t.db);
		const result = await run(data);
		expect(result).toMatchObject({ ok: true, created: 3, updated: 0, unchanged: 0, changes: [] });
		const saved = await Promise.all(rows.map((r) => byCode(r.统一社会信用代码)));
		expect(saved.map((o) => [o!.kind, o!.region_code, o!.industry_code, o!.contact_phone])).toEqual([
			['enterprise', '500112004', 'it_machinery', '023-67891234'],
			['enterprise', '500112', 'hazchem', null],
			['enterprise', '500112007', 'hazchem', '13800138000']
		]);
		expect(saved[0]).toMatchObject({ address: '重庆市渝北区龙溪街道1号', legal_rep: '王五', contact_name: '赵六' });
		// 高危 follows from the industry
		expect((await getOrganisation(t.db, saved[1]!.id))!.high_risk).toBe(true);
		expect((await getOrganisation(t.db, saved[0]!.id))!.high_risk).toBe(false);
		const after = await countAllRows(t.db);
		expect(after.memberships).toBe(before.memberships);
		expect(after.users).toBe(before.users);
		expect(after.audit_log).toBe(before.audit_log! + 1);
		const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'enterprise.directory_import').orderBy('id', 'desc').executeTakeFirstOrThrow();
		expect(audit).toMatchObject({ actor_user_id: regulatorUserId, target: `region:${YUBEI}`, ip: '10.2.0.1' });
		expect(audit.detail).toMatchObject({ rows: 3, created: 3, updated: 0, unchanged: 0, sha256: createHash('sha256').update(data).digest('hex') });
	});

	it('refuses malformed credit codes (length, characters, GB 32100 check character), naming row and column', async () => {
		const good = enterprise();
		const code = creditCode();
		const wrongCheck = code.slice(0, 17) + (code[17] === '1' ? '2' : '1');
		const errors = await refused(
			await workbook([good, enterprise({ 统一社会信用代码: wrongCheck }), enterprise({ 统一社会信用代码: '91500112MA5U' }), enterprise({ 统一社会信用代码: '91500112IA5U7O1Z1S' })])
		);
		expect(errors).toEqual([
			{ row: 3, column: '统一社会信用代码', message: `第3行“统一社会信用代码”：“${wrongCheck}”：统一社会信用代码校验位不正确（GB 32100），请核对是否输错` },
			{ row: 4, column: '统一社会信用代码', message: '第4行“统一社会信用代码”：“91500112MA5U”：统一社会信用代码应为18位' },
			{ row: 5, column: '统一社会信用代码', message: '第5行“统一社会信用代码”：“91500112IA5U7O1Z1S”：统一社会信用代码含有不允许的字符（不使用 I、O、Z、S、V）' }
		]);
		expect(await byCode(good.统一社会信用代码)).toBeUndefined();
	});

	it('refuses a credit code appearing twice in the file, naming both rows', async () => {
		const a = enterprise();
		const errors = await refused(await workbook([a, enterprise(), enterprise({ 统一社会信用代码: ` ${String(a.统一社会信用代码).toLowerCase()} ` })]));
		expect(errors).toEqual([{ row: 4, column: '统一社会信用代码', message: '第4行“统一社会信用代码”与第2行重复（同一企业只能填写一行）' }]);
	});

	it('refuses regions outside the jurisdiction, unknown regions and industries, missing fields and control characters', async () => {
		const errors = await refused(
			await workbook([
				enterprise({ '所在区县/乡镇街道': '长寿区' }),
				enterprise({ '所在区县/乡镇街道': '500115001' }),
				enterprise({ '所在区县/乡镇街道': '火星街道' }),
				enterprise({ 行业: '航天' }),
				enterprise({ 企业名称: null, 行业: '' }),
				enterprise({ 企业名称: '坏\t名称', 地址: '一行\n两行' }),
				enterprise({ 联系电话: '打电话' })
			])
		);
		expect(errors.map((e) => [e.row, e.column])).toEqual([
			[2, '所在区县/乡镇街道'],
			[3, '所在区县/乡镇街道'],
			[4, '所在区县/乡镇街道'],
			[5, '行业'],
			[6, '企业名称'],
			[6, '行业'],
			[7, '企业名称'],
			[7, '地址'],
			[8, '联系电话']
		]);
		expect(errors[0]!.message).toBe('第2行“所在区县/乡镇街道”：“长寿区”不在本辖区内，只能导入本辖区的企业');
		expect(errors[1]!.message).toContain('不在本辖区内');
		expect(errors[3]!.message).toContain('“航天”不是可选的行业，应为：非煤矿山、危险化学品');
		expect(errors[4]!.message).toBe('第6行“企业名称”：必须填写');
		expect(errors[6]!.message).toContain('控制字符');
	});

	it('refuses a credit code registered outside the jurisdiction, naming that enterprise, and another kind of organisation', async () => {
		const outsideId = await makeOrg(t.db, 'enterprise', '500115', '长寿已登记化工有限公司');
		const outside = (await t.db.selectFrom('organisations').select('credit_code').where('id', '=', outsideId).executeTakeFirstOrThrow()).credit_code;
		const institution = await makeOrg(t.db, 'institution', '500112', '渝北培训学校');
		const instCode = (await t.db.selectFrom('organisations').select('credit_code').where('id', '=', institution).executeTakeFirstOrThrow()).credit_code;
		const errors = await refused(await workbook([enterprise(), enterprise({ 统一社会信用代码: outside }), enterprise({ 统一社会信用代码: instCode })]));
		expect(errors).toEqual([
			{ row: 3, column: '统一社会信用代码', message: expect.stringContaining('已登记为辖区外（长寿区）的企业“长寿已登记化工有限公司”') },
			{ row: 4, column: '统一社会信用代码', message: expect.stringContaining('已登记为其他单位“渝北培训学校”') }
		]);
		// the same file from the city regulator's point of view is fine for row 3
		expect((await byCode(outside))!.name).toBe('长寿已登记化工有限公司');
	});

	it('re-import updates changed enterprises, reports the changed fields, keeps stored values for empty optional cells', async () => {
		const a = enterprise({ 地址: '旧地址', 联系人: '甲' });
		const b = enterprise({ 联系人: '乙' });
		const c = enterprise();
		expect(await run(await workbook([a, b, c]))).toMatchObject({ ok: true, created: 3 });
		const before = await byCode(b.统一社会信用代码);
		const result = await run(
			await workbook([
				{ ...a, 企业名称: '改名后的企业有限公司', '所在区县/乡镇街道': '洛碛镇', 地址: null, 联系人: null },
				{ ...b, 行业: '危险化学品', 联系电话: '023-12345678' },
				c,
				enterprise()
			])
		);
		expect(result).toMatchObject({
			ok: true,
			created: 1,
			updated: 2,
			unchanged: 1,
			changes: [
				{ row: 2, creditCode: a.统一社会信用代码, name: '改名后的企业有限公司', fields: ['企业名称', '所在区县/乡镇街道'] },
				{ row: 3, creditCode: b.统一社会信用代码, fields: ['行业', '联系电话'] }
			]
		});
		expect(await byCode(a.统一社会信用代码)).toMatchObject({ name: '改名后的企业有限公司', region_code: '500112105', address: '旧地址', contact_name: '甲' });
		expect(await byCode(b.统一社会信用代码)).toMatchObject({ id: before!.id, industry_code: 'hazchem', contact_phone: '023-12345678', contact_name: '乙' });
	});

	it('50,000 rows with one bad row write nothing; 50,000 good rows import in batches (time printed)', { timeout: 600_000 }, async () => {
		const rows: Row[] = [];
		for (let i = 0; i < 50_000; i++) rows.push({ 统一社会信用代码: creditCode(), 企业名称: `批量企业${i}`, '所在区县/乡镇街道': i % 2 ? '双龙湖街道' : '500112', 行业: i % 7 ? '机械' : '危险化学品', 地址: `渝北区某路${i}号` });
		const bad = rows.map((r) => ({ ...r }));
		bad[31_337]!.行业 = '不存在的行业';
		let t0 = performance.now();
		const badFile = await workbook(bad);
		const goodFile = await workbook(rows);
		console.log(`[directory import ${backend}] wrote two 50,000-row files in ${Math.round(performance.now() - t0)} ms (${(goodFile.byteLength / 1024 / 1024).toFixed(1)} MB each)`);

		t0 = performance.now();
		const errors = await refused(badFile);
		console.log(`[directory import ${backend}] 50,000 rows, one bad: refused in ${Math.round(performance.now() - t0)} ms`);
		expect(errors).toEqual([{ row: 31_339, column: '行业', message: expect.stringContaining('“不存在的行业”不是可选的行业') }]);

		t0 = performance.now();
		const result = await run(goodFile);
		const ms = Math.round(performance.now() - t0);
		console.log(`[directory import ${backend}] 50,000 good rows: created in ${ms} ms`);
		expect(result).toMatchObject({ ok: true, created: 50_000, updated: 0, unchanged: 0 });
		const n = await t.db.selectFrom('organisations').select((eb) => eb.fn.countAll<number>().as('n')).where('name', 'like', '批量企业%').executeTakeFirstOrThrow();
		expect(Number(n.n)).toBe(50_000);

		// the same file again: nothing changes, nothing is written but the audit entry
		t0 = performance.now();
		expect(await run(goodFile)).toMatchObject({ ok: true, created: 0, updated: 0, unchanged: 50_000 });
		console.log(`[directory import ${backend}] 50,000 unchanged rows: ${Math.round(performance.now() - t0)} ms`);
	});
});
