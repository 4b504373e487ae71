import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { idNumberCheckChar } from '../../domain/identifiers.ts';
import { SPECIAL_OPERATIONS } from '../../../../seeds/reference.ts';
import { buildStaffTemplateXlsx, parseStaffXlsx, STAFF_COLUMNS, type StaffParseResult } from './staff-excel.ts';

const NOW = new Date('2026-11-26T02:00:00Z');
const OPS = SPECIAL_OPERATIONS.map(([code, category, item]) => ({ code, category, item }));
const parse = (data: Uint8Array) => parseStaffXlsx(data, { specialOperations: OPS, now: NOW });

function id(seq: number): string {
	const first17 = `50011219900101${String(100 + seq)}`;
	return first17 + idNumberCheckChar(first17);
}

async function sheet(rows: ExcelJS.CellValue[][], name = '人员'): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet(name);
	for (const r of rows) ws.addRow(r);
	return Buffer.from(await wb.xlsx.writeBuffer());
}

function rowsOf(r: StaffParseResult) {
	if (!r.readable || r.errors.length) throw new Error(JSON.stringify(r.errors.slice(0, 5)));
	return r.rows.map((x) => x.person!);
}
function errorsOf(r: StaffParseResult) {
	return r.errors.map((e) => e.message);
}

describe('buildStaffTemplateXlsx', () => {
	it('has the header, two example rows and instructions listing categories and the 特种作业目录', async () => {
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await buildStaffTemplateXlsx(OPS)) as unknown as ArrayBuffer);
		expect(wb.worksheets.map((w) => w.name)).toEqual(['人员', '示例', '填写说明']);
		expect((wb.getWorksheet('人员')!.getRow(1).values as unknown[]).slice(1)).toEqual([...STAFF_COLUMNS]);
		expect(wb.getWorksheet('人员')!.actualRowCount).toBe(1);
		expect(wb.getWorksheet('示例')!.actualRowCount).toBe(3);
		const help = wb.getWorksheet('填写说明')!;
		const texts: string[] = [];
		help.eachRow((row) => texts.push((row.values as unknown[]).slice(1).map((v) => String(v ?? '')).join('|')));
		for (const label of ['主要负责人', '实际控制人', '其他负责人', '安全生产管理人员', '特种作业人员', '一线从业人员']) {
			expect(texts.some((t) => t.startsWith(`${label}|`))).toBe(true);
		}
		expect(texts.some((t) => t.startsWith('监管执法人员'))).toBe(false);
		for (const op of OPS) expect(texts).toContain(`${op.code}|${op.category}|${op.item}`);
	});

	it('its example rows are valid when pasted into the 人员 sheet; the blank template has no data', async () => {
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await buildStaffTemplateXlsx(OPS)) as unknown as ArrayBuffer);
		wb.getWorksheet('示例')!.eachRow((row, n) => {
			if (n > 1) wb.getWorksheet('人员')!.addRow((row.values as unknown[]).slice(1));
		});
		const people = rowsOf(await parse(Buffer.from(await wb.xlsx.writeBuffer())));
		expect(people.map((p) => [p.name, p.roleCategory, p.specialOperationCode, p.hiredOn])).toEqual([
			['张三', 'frontline', null, '2023-03-01'],
			['李四', 'special_worker', '1.2', '2019-07-15']
		]);
		const blank = await parse(await buildStaffTemplateXlsx(OPS));
		expect(blank).toEqual({ readable: false, errors: [{ row: null, column: null, message: expect.stringContaining('没有人员数据') }] });
	});
});

describe('parseStaffXlsx', () => {
	it('accepts usual header variants, skips 序号/备注, normalises cells', async () => {
		const data = await sheet([
			['序号', '姓名', '身份证号码', '手机号码', '人员类别', '职务', '特种作业项目', '入职时间', '备注'],
			[1, '王五', ` ${id(1).toLowerCase()} `, 13800138001, ' 特种作业人员 ', 12, '1.2 低压电工作业', '2024年3月1日', '夜班'],
			[2, '赵六', id(2), '138-0013-8002', '一线从业人员', null, null, '2024/3/1', null],
			[3, '孙七', id(3), '13800138003', '特种作业人员', '焊工', 2.1, null, null]
		]);
		expect(rowsOf(await parse(data))).toEqual([
			{ name: '王五', idNumber: id(1), mobile: '13800138001', roleCategory: 'special_worker', specialOperationCode: '1.2', position: '12', hiredOn: '2024-03-01' },
			{ name: '赵六', idNumber: id(2), mobile: '13800138002', roleCategory: 'frontline', specialOperationCode: null, position: null, hiredOn: '2024-03-01' },
			{ name: '孙七', idNumber: id(3), mobile: '13800138003', roleCategory: 'special_worker', specialOperationCode: '2.1', position: '焊工', hiredOn: null }
		]);
	});

	it('reads the 人员 sheet even when it is not the first', async () => {
		const wb = new ExcelJS.Workbook();
		wb.addWorksheet('填写说明').addRow(['说明']);
		const ws = wb.addWorksheet('人员');
		ws.addRow([...STAFF_COLUMNS]);
		ws.addRow(['王五', id(4), '13800138004', '主要负责人']);
		expect(rowsOf(await parse(Buffer.from(await wb.xlsx.writeBuffer())))).toHaveLength(1);
	});

	it('reports header problems: unknown, repeated and missing columns', async () => {
		const r = await parse(await sheet([['姓名', '姓名', '身份证', '电话', '人员类别'], ['a', 'b', id(5), '13800138005', '主要负责人']]));
		expect(r).toEqual({
			readable: false,
			errors: [
				{ row: 1, column: '姓名', message: '表头（第1行）“姓名”列出现了两次（第A列和第B列）' },
				{ row: 1, column: '电话', message: expect.stringContaining('第D列“电话”不是可识别的列名') },
				{ row: 1, column: '手机号', message: '表头（第1行）缺少“手机号”列' }
			]
		});
	});

	it('explains cells Excel turned into numbers, and content in a column without a header', async () => {
		const r = await parse(
			await sheet([
				['姓名', '身份证号', '手机号', '人员类别'],
				['王五', Number('500112199001011234'), '13800138006', '主要负责人', '多余'],
				[true, id(7), 13800138007.5, '主要负责人']
			])
		);
		expect(r.readable).toBe(true);
		expect(errorsOf(r)).toEqual([
			'第E列没有列名，但第2行起有内容；请填写列名或删除该列',
			'第2行“身份证号”：Excel 把身份证号存成了数字，末几位可能已经丢失；请把该列设置为“文本”格式后重新填写',
			'第3行“姓名”：应为文字，当前是逻辑值 TRUE',
			'第3行“手机号”：应为文字，当前是数字 13800138007.5'
		]);
	});

	it('refuses files that are not .xlsx', async () => {
		const notXlsx = { readable: false, errors: [{ row: null, column: null, message: '不是有效的 Excel（.xlsx）文件' }] };
		expect(await parse(new TextEncoder().encode('姓名,身份证号\n'))).toEqual(notXlsx);
		expect(await parse(Buffer.from('504b0304deadbeef', 'hex'))).toEqual(notXlsx);
		const xls = await parse(Buffer.from('d0cf11e0a1b11ae1', 'hex'));
		expect(xls.errors[0]!.message).toContain('旧版 .xls');
	});
});
