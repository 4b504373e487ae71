import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { BACKENDS, countAllRows, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { sql } from 'kysely';
import { seedCoverageTargets } from '../../src/lib/server/coverage/targets.repository.ts';
import { countsAtNode, naiveCountsAtNode } from '../../src/lib/server/coverage/coverage.query.ts';
import { idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';
import { importStaffXlsx, type StaffImportResult } from '../../src/lib/server/people/staff-import.ts';
import { MAX_LISTED_ERRORS, MAX_STAFF_ROWS, STAFF_COLUMNS, type RowError, type StaffColumn } from '../../src/lib/server/people/staff-excel.ts';

const NOW = new Date('2026-11-26T02:00:00Z'); // 10:00 in Chongqing
type Row = Partial<Record<StaffColumn, ExcelJS.CellValue>>;

let seq = 0;
/** A fresh valid 身份证号 and 手机号 on every call (unique across this file). */
function identity(): { 身份证号: string; 手机号: string } {
	const n = seq++;
	const day = new Date(Date.UTC(1970, 0, 1) + Math.floor(n / 900) * 86_400_000);
	const birth = day.toISOString().slice(0, 10).replaceAll('-', '');
	const first17 = `500112${birth}${String(100 + (n % 900))}`;
	return { 身份证号: first17 + idNumberCheckChar(first17), 手机号: `139${String(n).padStart(8, '0')}` };
}

function person(overrides: Row = {}): Row {
	return { 姓名: `员工${seq}`, ...identity(), 人员类别: '一线从业人员', 岗位: '装配车间', ...overrides };
}

async function workbook(rows: Row[], headers: readonly string[] = STAFF_COLUMNS): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet('人员');
	ws.addRow([...headers]);
	for (const r of rows) ws.addRow(headers.map((h) => (h in r ? r[h as StaffColumn] : null)));
	return Buffer.from(await wb.xlsx.writeBuffer());
}

function errorsOf(r: StaffImportResult): RowError[] {
	if (r.ok) throw new Error(`expected errors, imported ${r.imported}`);
	return r.errors;
}

describe.each(BACKENDS)('staff Excel import (%s)', (backend) => {
	let t: TestDatabase;
	let orgId: number;
	let otherOrgId: number;
	let adminId: number;
	const actor = () => ({ userId: adminId, role: 'enterprise_admin', orgId, personId: null, ip: '10.1.0.1', now: NOW });
	const run = async (data: Uint8Array, maxRows?: number) => importStaffXlsx(t.db, { data, maxRows }, actor());
	/** Runs an import that must fail and proves it wrote nothing at all. */
	const refused = async (data: Uint8Array, maxRows?: number) => {
		const before = await countAllRows(t.db);
		const errors = errorsOf(await run(data, maxRows));
		expect(await countAllRows(t.db)).toEqual(before);
		return errors;
	};

	beforeAll(async () => {
		t = await createTestDatabase(backend);
		orgId = await makeOrg(t.db, 'enterprise', '500112', '渝北测试机械有限公司');
		otherOrgId = await makeOrg(t.db, 'enterprise', '500115', '长寿保密化工有限公司');
		adminId = (await makeUser(t.db, { role: 'enterprise_admin', orgId })).id;
		// the documents' coverage targets, as in every real database: imported staff fall into
		// their populations, so each import re-evaluates coverage for every imported person
		expect(await seedCoverageTargets(t.db, NOW)).toBeGreaterThan(5);
	});
	afterAll(async () => t?.close());

	it('imports valid rows: labels, codes or names of 特种作业, Excel or text dates, optional cells empty', async () => {
		const rows = [
			person({ 姓名: '  张 三 ' }),
			person({ 人员类别: '特种作业人员', 特种作业操作项目: '1.2', 入职日期: new Date(Date.UTC(2020, 4, 6)) }),
			person({ 人员类别: '特种作业人员', 特种作业操作项目: '熔化焊接与热切割作业', 入职日期: '2026-11-26' }),
			person({ 人员类别: '特种作业人员', 特种作业操作项目: 4, 入职日期: '2019/7/1' }),
			person({ 人员类别: '主要负责人', 岗位: null }),
			person({ 人员类别: '安全生产管理人员' })
		];
		const ids = rows.map((r) => String(r.身份证号));
		const result = await run(await workbook(rows));
		expect(result).toEqual({ ok: true, imported: 6 });
		const saved = await t.db
			.selectFrom('persons')
			.select(['name', 'id_number', 'mobile', 'role_category', 'special_operation_code', 'position', 'hired_on', 'org_id', 'active', 'created_at'])
			.where('id_number', 'in', ids)
			.orderBy('id')
			.execute();
		expect(saved.map((p) => [p.name, p.id_number, p.mobile, p.role_category, p.special_operation_code, p.hired_on])).toEqual([
			['张 三', ids[0], rows[0]!.手机号, 'frontline', null, null],
			[rows[1]!.姓名, ids[1], rows[1]!.手机号, 'special_worker', '1.2', '2020-05-06'],
			[rows[2]!.姓名, ids[2], rows[2]!.手机号, 'special_worker', '2.1', '2026-11-26'],
			[rows[3]!.姓名, ids[3], rows[3]!.手机号, 'special_worker', '4', '2019-07-01'],
			[rows[4]!.姓名, ids[4], rows[4]!.手机号, 'principal', null, null],
			[rows[5]!.姓名, ids[5], rows[5]!.手机号, 'safety_manager', null, null]
		]);
		expect(saved[4]!.position).toBeNull();
		// schema.ts types defaulted timestamptz columns as ColumnType; the driver returns a Date
		expect((saved[0]!.created_at as unknown as Date).getTime()).toBe(NOW.getTime());
		expect(saved.every((p) => p.org_id === orgId && p.active)).toBe(true);
		const audit = await t.db.selectFrom('audit_log').selectAll().where('action', '=', 'staff.import').orderBy('id', 'desc').executeTakeFirstOrThrow();
		expect(audit).toMatchObject({ actor_user_id: adminId, target: `org:${orgId}`, ip: '10.1.0.1' });
		expect(audit.detail).toEqual({ count: 6 });
		// imported persons have no account yet
		const accounts = await t.db.selectFrom('users').select('id').where('id_number', 'in', ids).execute();
		expect(accounts).toEqual([]);
	});

	it('refuses a wrong GB 11643 check digit, naming row, column and reason', async () => {
		const good = person();
		const bad = person();
		const id = String(bad.身份证号);
		bad.身份证号 = id.slice(0, 17) + (id[17] === '1' ? '2' : '1');
		const errors = await refused(await workbook([good, bad]));
		expect(errors).toEqual([{ row: 3, column: '身份证号', message: '第3行“身份证号”：身份证号校验位不正确（GB 11643），请核对是否输错' }]);
	});

	it('refuses a 身份证号 or 手机号 that appears twice in the file, naming both rows', async () => {
		const a = person();
		const b = person({ 身份证号: a.身份证号 });
		const c = person();
		const d = person({ 手机号: c.手机号 });
		const errors = await refused(await workbook([a, b, c, d]));
		expect(errors).toEqual([
			{ row: 3, column: '身份证号', message: '第3行“身份证号”与第2行重复（同一人只能填写一行）' },
			{ row: 5, column: '手机号', message: '第5行“手机号”与第4行重复（每人须使用自己的手机号）' }
		]);
	});

	it('refuses persons already registered here or elsewhere, without naming the other enterprise', async () => {
		const ours = person();
		const theirs = person();
		const mobileTaken = person();
		expect(await run(await workbook([ours]))).toMatchObject({ ok: true });
		await t.db
			.insertInto('persons')
			.values([
				{ name: '外单位员工', id_number: String(theirs.身份证号), mobile: null, org_id: otherOrgId, role_category: 'frontline' },
				{ name: '外单位员工二', id_number: identity().身份证号, mobile: String(mobileTaken.手机号), org_id: otherOrgId, role_category: 'frontline' }
			])
			.execute();
		const again = { ...ours, 手机号: identity().手机号 };
		const errors = await refused(await workbook([person(), again, theirs, mobileTaken]));
		expect(errors.map((e) => [e.row, e.column])).toEqual([
			[3, '身份证号'],
			[4, '身份证号'],
			[5, '手机号']
		]);
		expect(errors[0]!.message).toContain('已登记在本单位人员名单中');
		expect(errors[1]!.message).toContain('已被其他单位登记');
		expect(errors[2]!.message).toContain('手机号已被其他单位的人员使用');
		expect(JSON.stringify(errors)).not.toContain('长寿保密化工');
	});

	it('refuses a 手机号 that another account signs in with', async () => {
		const taken = await makeUser(t.db, { role: 'learner', orgId: otherOrgId });
		const errors = await refused(await workbook([person({ 手机号: taken.mobile })]));
		expect(errors).toEqual([{ row: 2, column: '手机号', message: expect.stringContaining('其他账号') }]);
	});

	it('names a missing header column', async () => {
		const headers = STAFF_COLUMNS.filter((c) => c !== '身份证号');
		const errors = await refused(await workbook([person()], headers));
		expect(errors).toEqual([{ row: 1, column: '身份证号', message: '表头（第1行）缺少“身份证号”列' }]);
	});

	it('refuses a 人员类别 that is not an enterprise category', async () => {
		const errors = await refused(await workbook([person({ 人员类别: '监管执法人员' }), person({ 人员类别: '临时工' }), person({ 人员类别: null })]));
		expect(errors.map((e) => [e.row, e.column])).toEqual([
			[2, '人员类别'],
			[3, '人员类别'],
			[4, '人员类别']
		]);
		expect(errors[0]!.message).toContain('“监管执法人员”不是企业人员类别');
		expect(errors[1]!.message).toContain('“临时工”不是可选的人员类别');
		expect(errors[2]!.message).toBe('第4行“人员类别”：请选择人员类别');
	});

	it('requires the 特种作业操作项目 exactly for 特种作业人员, from the catalogue', async () => {
		const errors = await refused(
			await workbook([
				person({ 人员类别: '特种作业人员' }),
				person({ 人员类别: '一线从业人员', 特种作业操作项目: '1.1' }),
				person({ 人员类别: '特种作业人员', 特种作业操作项目: '99.9' })
			])
		);
		expect(errors).toEqual([
			{ row: 2, column: '特种作业操作项目', message: '第2行“特种作业操作项目”：人员类别为特种作业人员时，须填写特种作业操作项目' },
			{ row: 3, column: '特种作业操作项目', message: '第3行“特种作业操作项目”：只有特种作业人员才填写特种作业操作项目，其他人员类别请留空' },
			{ row: 4, column: '特种作业操作项目', message: expect.stringContaining('“99.9”不在特种作业目录中') }
		]);
	});

	it('refuses a 入职日期 in the future or not a date', async () => {
		const errors = await refused(
			await workbook([
				person({ 入职日期: '2026-11-27' }),
				person({ 入职日期: new Date(Date.UTC(2030, 0, 1)) }),
				person({ 入职日期: '2025-02-30' }),
				person({ 入职日期: 45000 })
			])
		);
		expect(errors.map((e) => e.message)).toEqual([
			'第2行“入职日期”：入职日期不能晚于今天（2026-11-26）',
			'第3行“入职日期”：入职日期不能晚于今天（2026-11-26）',
			'第4行“入职日期”：入职日期格式不正确，应为 YYYY-MM-DD（如 2024-03-01）的有效日期',
			'第5行“入职日期”：应为日期或 YYYY-MM-DD 格式的文字（如 2024-03-01），当前是数字 45000'
		]);
	});

	it('reports every problem of every row, required cells and lengths included', async () => {
		const errors = await refused(
			await workbook([
				person({ 姓名: null, 手机号: '12345' }),
				person({ 姓名: '名'.repeat(51), 岗位: '岗'.repeat(51) }),
				person({ 身份证号: null, 手机号: null })
			])
		);
		expect(errors.map((e) => [e.row, e.column])).toEqual([
			[2, '姓名'],
			[2, '手机号'],
			[3, '姓名'],
			[3, '岗位'],
			[4, '身份证号'],
			[4, '手机号']
		]);
		expect(errors[2]!.message).toContain('姓名最多50个字');
		expect(errors[4]!.message).toBe('第4行“身份证号”：请填写身份证号');
	});

	it('refuses an empty file, a sheet without data and too many rows', async () => {
		expect(await refused(new Uint8Array(0))).toEqual([{ row: null, column: null, message: '文件是空的' }]);
		expect((await refused(await workbook([])))[0]!.message).toContain('没有人员数据');
		const errors = await refused(await workbook([person(), person(), person(), person()]), 3);
		expect(errors).toEqual([{ row: null, column: null, message: '文件有 4 行人员数据，超过单次导入上限 3 行，请拆分成几个文件后导入' }]);
		expect(MAX_STAFF_ROWS).toBe(50_000);
	});

	it('lists at most 500 errors and says how many more', async () => {
		const rows = Array.from({ length: 600 }, () => person({ 人员类别: '临时工' }));
		const errors = await refused(await workbook(rows));
		expect(errors).toHaveLength(MAX_LISTED_ERRORS + 1);
		expect(errors[0]!.row).toBe(2);
		expect(errors[MAX_LISTED_ERRORS]).toEqual({ row: null, column: null, message: '还有 100 处错误未列出（共 600 行有问题），请先修改以上各行后重新导入' });
	});

	it('imports 20,000 valid rows within a few seconds', async () => {
		const rows = Array.from({ length: 20_000 }, (_, i) => person(i % 10 === 0 ? { 人员类别: '特种作业人员', 特种作业操作项目: '1.1', 入职日期: '2024-03-01' } : {}));
		const data = await workbook(rows);
		const before = await t.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
		const started = performance.now();
		const result = await run(data);
		const ms = performance.now() - started;
		console.log(`[${backend}] 20,000-row staff import: ${Math.round(ms)} ms (${(data.length / 1024).toFixed(0)} KiB)`);
		expect(result).toEqual({ ok: true, imported: 20_000 });
		const after = await t.db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
		expect(Number(after.n) - Number(before.n)).toBe(20_000);
		const ours = await t.db
			.selectFrom('persons')
			.select((eb) => eb.fn.countAll<number>().as('n'))
			.where('org_id', '=', orgId)
			.where('special_operation_code', '=', '1.1')
			.where('hired_on', '=', '2024-03-01')
			.executeTakeFirstOrThrow();
		expect(Number(ours.n)).toBe(2_000);
		// a guard against pathological slowness on a busy CI machine, not a benchmark
		expect(ms).toBeLessThan(60_000);
	});

	it('imports the documented maximum of 50,000 rows with coverage targets present, coverage exact', async () => {
		const big = await makeOrg(t.db, 'enterprise', '500112', '渝北大型危化有限公司');
		await t.db.updateTable('organisations').set({ industry_code: 'hazchem' }).where('id', '=', big).execute();
		const roles = ['一线从业人员', '主要负责人', '安全生产管理人员', '特种作业人员'] as const;
		const rows = Array.from({ length: MAX_STAFF_ROWS }, (_, i) => {
			const role = roles[i % roles.length]!;
			return person(role === '特种作业人员' ? { 人员类别: role, 特种作业操作项目: '1.1' } : { 人员类别: role });
		});
		const data = await workbook(rows);
		const started = performance.now();
		const result = await importStaffXlsx(t.db, { data }, { ...actor(), orgId: big });
		const ms = performance.now() - started;
		console.log(`[${backend}] 50,000-row staff import with seeded coverage targets: ${Math.round(ms)} ms`);
		expect(result).toEqual({ ok: true, imported: MAX_STAFF_ROWS });
		// every imported person was evaluated: at least the 全员 target counts all of them
		const duty = await t.db.selectFrom('coverage_targets').select('id').where('code', '=', 'duty-system-training-2026').executeTakeFirstOrThrow();
		const orgRequired = await t.db
			.selectFrom('coverage_org_counts')
			.select((eb) => eb.fn.sum<number>('required').as('n'))
			.where('org_id', '=', big)
			.where('target_id', '=', duty.id)
			.executeTakeFirstOrThrow();
		expect(Number(orgRequired.n)).toBe(MAX_STAFF_ROWS);
		// the maintained counts equal a naive recount of the definition
		const targets = (await t.db.selectFrom('coverage_targets').select('id').execute()).map((r) => r.id);
		for (const code of ['500000', '500112']) {
			const path = (await t.db.selectFrom('regions').select('path').where('code', '=', code).executeTakeFirstOrThrow()).path;
			const maintained = await countsAtNode(t.db, targets, code);
			const naive = await naiveCountsAtNode(t.db, path);
			for (const id of targets) expect(maintained.get(id) ?? { required: 0, covered: 0 }, `target ${id} at ${code}`).toEqual(naive.get(id) ?? { required: 0, covered: 0 });
		}
		const { rows: orgDiff } = await sql<{ n: number }>`
			select count(*)::int as n from (
				select target_id, org_id, sum(required) as r, sum(covered) as c from coverage_org_counts group by 1, 2 having sum(required) <> 0
			) k full join (
				select target_id, org_id, count(*) as r, count(*) filter (where not (study_missing or exam_missing or certificate_missing)) as c
				from coverage_evaluation group by 1, 2
			) e using (target_id, org_id)
			where k.r is distinct from e.r or k.c is distinct from e.c`.execute(t.db);
		expect(orgDiff[0]!.n).toBe(0);
		const pending = await t.db.selectFrom('coverage_pending').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
		expect(Number(pending.n)).toBe(0);
		expect(ms).toBeLessThan(180_000);
	}, 300_000);

	it('writes nothing from a 20,000-row file with one bad row', async () => {
		const rows = Array.from({ length: 20_000 }, () => person());
		rows[12_345]!.手机号 = '1381234567'; // 10 digits
		const before = await countAllRows(t.db);
		const errors = errorsOf(await run(await workbook(rows)));
		expect(errors).toEqual([{ row: 12_347, column: '手机号', message: '第12347行“手机号”：手机号格式不正确：应为以1开头的11位数字（第二位为3–9）' }]);
		const after = await countAllRows(t.db);
		expect(after.persons).toBe(before.persons);
		expect(after.audit_log).toBe(before.audit_log);
		expect(after).toEqual(before);
	});
});
