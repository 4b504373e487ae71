import { describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import {
	QUESTION_COLUMNS,
	buildTemplateXlsx,
	exportQuestionsXlsx,
	parseQuestionsXlsx,
	type ParseResult,
	type QuestionColumn,
	type RowError
} from '../../src/lib/server/question-bank/excel.ts';
import type { Question, StoredQuestion } from '../../src/lib/question-bank/schema.ts';

type Cell = ExcelJS.CellValue;
type RowSpec = Partial<Record<QuestionColumn, Cell>>;

const NOT_XLSX = '不是有效的 Excel（.xlsx）文件';
const fileError = (message: string): ParseResult => ({ ok: false, errors: [{ row: null, column: null, message }] });

/** A valid single-choice row; override cells per test. */
function single(n: number, overrides: RowSpec = {}): RowSpec {
	return {
		题号: `q-${String(n).padStart(4, '0')}`,
		题型: '单选',
		题干: `第${n}题：动火作业前应当（ ）。`,
		选项A: '先作业后审批',
		选项B: '办理动火审批手续',
		选项C: '口头报告班长',
		选项D: '无需任何手续',
		答案: 'B',
		解析: '动火作业实行审批制度。',
		依据: 'anquan-shengchan-fa-2021 第四十三条',
		知识点: 'ch2.conditions',
		难度: 2,
		...overrides
	};
}

async function workbook(rows: RowSpec[], opts: { headers?: readonly string[]; sheet?: string; before?: string[] } = {}): Promise<Buffer> {
	const headers = opts.headers ?? QUESTION_COLUMNS;
	const wb = new ExcelJS.Workbook();
	for (const name of opts.before ?? []) wb.addWorksheet(name).addRow(['不是题目']);
	const ws = wb.addWorksheet(opts.sheet ?? '题目');
	ws.addRow([...headers]);
	for (const r of rows) ws.addRow(headers.map((h) => (h in r ? r[h as QuestionColumn] : null)));
	return Buffer.from(await wb.xlsx.writeBuffer());
}

async function rawSheet(rows: Cell[][]): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet('题目');
	for (const r of rows) ws.addRow(r);
	return Buffer.from(await wb.xlsx.writeBuffer());
}

async function errorsOf(data: Buffer, options?: Parameters<typeof parseQuestionsXlsx>[1]): Promise<RowError[]> {
	const r = await parseQuestionsXlsx(data, options);
	if (r.ok) throw new Error(`expected errors, got ${r.questions.length} questions`);
	return r.errors;
}

async function questionsOf(data: Buffer): Promise<Question[]> {
	const r = await parseQuestionsXlsx(data);
	if (!r.ok) throw new Error(`expected questions, got errors: ${JSON.stringify(r.errors.slice(0, 5))}`);
	return r.questions;
}

describe('parseQuestionsXlsx: files that are not question workbooks', () => {
	it('empty file', async () => {
		expect(await parseQuestionsXlsx(new Uint8Array(0))).toEqual(fileError('文件是空的'));
		expect(await parseQuestionsXlsx(Buffer.alloc(0))).toEqual(fileError('文件是空的'));
	});

	it('PNG renamed to .xlsx', async () => {
		const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
		expect(await parseQuestionsXlsx(png)).toEqual(fileError(NOT_XLSX));
	});

	it('plain text renamed to .xlsx', async () => {
		expect(await parseQuestionsXlsx(new TextEncoder().encode('题号,题型,题干\naqsc-0001,单选,xxx\n'))).toEqual(fileError(NOT_XLSX));
	});

	it('a truncated xlsx (zip magic but broken archive)', async () => {
		const good = await workbook([single(1)]);
		expect(await parseQuestionsXlsx(good.subarray(0, 200))).toEqual(fileError(NOT_XLSX));
	});

	it('old .xls (OLE compound file)', async () => {
		const xls = Buffer.concat([Buffer.from('d0cf11e0a1b11ae1', 'hex'), Buffer.alloc(504)]);
		const errors = await errorsOf(xls);
		expect(errors).toHaveLength(1);
		expect(errors[0]!.message.startsWith(`${NOT_XLSX}：`)).toBe(true);
		expect(errors[0]!.message).toContain('.xls');
	});

	it('a sheet with no rows, and a header without data rows', async () => {
		const wb = new ExcelJS.Workbook();
		wb.addWorksheet('题目');
		expect(await parseQuestionsXlsx(Buffer.from(await wb.xlsx.writeBuffer()))).toEqual(fileError('没有题目数据'));
		expect(await parseQuestionsXlsx(await workbook([]))).toEqual(fileError('没有题目数据'));
		expect(await parseQuestionsXlsx(await workbook([{}, {}]))).toEqual(fileError('没有题目数据')); // blank rows only
	});

	it('the blank template has no data', async () => {
		expect(await parseQuestionsXlsx(await buildTemplateXlsx())).toEqual(fileError('没有题目数据'));
	});
});

describe('parseQuestionsXlsx: headers', () => {
	it('reports unknown and missing headers, each by name', async () => {
		const headers = [...QUESTION_COLUMNS.map((h): string => (h === '题干' ? '题目内容' : h)), '备注'];
		expect(await errorsOf(await workbook([single(1)], { headers }))).toEqual([
			{ row: 1, column: '题目内容', message: '表头（第1行）第C列“题目内容”不是可识别的列名' },
			{ row: 1, column: '备注', message: '表头（第1行）第U列“备注”不是可识别的列名' },
			{ row: 1, column: '题干', message: '表头（第1行）缺少“题干”列' }
		]);
	});

	it('reports every missing required column', async () => {
		const headers = QUESTION_COLUMNS.filter((h) => h !== '难度' && h !== '依据');
		expect(await errorsOf(await workbook([single(1)], { headers }))).toEqual([
			{ row: 1, column: '依据', message: '表头（第1行）缺少“依据”列' },
			{ row: 1, column: '难度', message: '表头（第1行）缺少“难度”列' }
		]);
	});

	it('reports a duplicated header', async () => {
		const headers = [...QUESTION_COLUMNS, '解析'];
		expect(await errorsOf(await workbook([single(1)], { headers }))).toEqual([
			{ row: 1, column: '解析', message: '表头（第1行）“解析”列出现了两次（第K列和第U列）' }
		]);
	});

	it('maps columns by header text, in any order; option columns beyond B are optional', async () => {
		const headers = [...QUESTION_COLUMNS].filter((h) => !['选项C', '选项D', '选项E', '选项F'].includes(h)).reverse();
		const qs = await questionsOf(await workbook([single(1, { 选项C: null, 选项D: null })], { headers }));
		expect(qs).toEqual([expect.objectContaining({ id: 'q-0001', options: { A: '先作业后审批', B: '办理动火审批手续' }, answer: 'B' })]);
	});

	it('reads the sheet named 题目, otherwise the first sheet', async () => {
		expect(await questionsOf(await workbook([single(1)], { before: ['说明'] }))).toHaveLength(1);
		expect(await questionsOf(await workbook([single(1)], { sheet: 'Sheet1' }))).toHaveLength(1);
	});

	it('reports content in a column without a header', async () => {
		const buf = await rawSheet([
			[...QUESTION_COLUMNS],
			[...QUESTION_COLUMNS.map((h) => single(1)[h] ?? null)],
			[...QUESTION_COLUMNS.map((h) => single(2)[h] ?? null), null, '备注']
		]);
		expect(await errorsOf(buf)).toEqual([{ row: 3, column: null, message: '第V列没有列名，但第3行起有内容；请填写列名或删除该列' }]);
	});
});

describe('parseQuestionsXlsx: cell errors', () => {
	it('missing answer', async () => {
		expect(await errorsOf(await workbook([single(1, { 答案: null })]))).toEqual([{ row: 2, column: '答案', message: '第2行“答案”不能为空' }]);
	});

	it('answer outside the options', async () => {
		expect(await errorsOf(await workbook([single(1, { 答案: 'E' })]))).toEqual([{ row: 2, column: '答案', message: '第2行“答案”：答案“E”不在选项中' }]);
	});

	it('answer that is not option letters', async () => {
		expect(await errorsOf(await workbook([single(1, { 答案: '正确' })]))).toEqual([
			{ row: 2, column: '答案', message: '第2行“答案”：选择题的答案应为选项字母（如 B 或 ACD），当前是“正确”' }
		]);
	});

	it('judge question with options', async () => {
		const row = single(1, { 题型: '判断', 选项A: '正确', 选项B: '错误', 选项C: null, 选项D: null, 答案: '正确' });
		expect(await errorsOf(await workbook([row]))).toEqual([{ row: 2, column: '选项A', message: '第2行“选项A”：判断题不应有选项' }]);
	});

	it('judge answer that is not 正确/错误', async () => {
		const row = single(1, { 题型: '判断', 选项A: null, 选项B: null, 选项C: null, 选项D: null, 答案: 'A' });
		expect(await errorsOf(await workbook([row]))).toEqual([{ row: 2, column: '答案', message: '第2行“答案”：判断题的答案应为“正确”或“错误”，当前是“A”' }]);
	});

	it('multiple-choice question with one key', async () => {
		expect(await errorsOf(await workbook([single(1, { 题型: '多选', 答案: 'C' })]))).toEqual([
			{ row: 2, column: '答案', message: '第2行“答案”：多选题至少需要2个正确答案' }
		]);
	});

	it('single-choice question with two keys', async () => {
		expect(await errorsOf(await workbook([single(1, { 答案: 'A,B' })]))).toEqual([{ row: 2, column: '答案', message: '第2行“答案”：单选题只能有一个答案' }]);
	});

	it('choice question with too few or gapped options', async () => {
		const errors = await errorsOf(
			await workbook([single(1, { 选项B: null, 选项C: null, 选项D: null, 答案: 'A' }), single(2, { 选项B: null, 答案: 'A' })])
		);
		expect(errors).toEqual([
			{ row: 2, column: '选项B', message: '第2行“选项B”：选择题至少需要2个选项' },
			{ row: 3, column: '选项B', message: '第3行“选项B”：选项须从A起连续排列（应为 A、B、C）' }
		]);
	});

	it('unknown question type', async () => {
		expect(await errorsOf(await workbook([single(1, { 题型: '填空' })]))).toEqual([
			{ row: 2, column: '题型', message: '第2行“题型”应为“单选”、“多选”或“判断”，当前是“填空”' }
		]);
	});

	it('a number where text is expected, including 题号', async () => {
		expect(await errorsOf(await workbook([single(1, { 题干: 12345 }), single(2, { 题号: 1 }), single(3, { 知识点: 1.1 })]))).toEqual([
			{ row: 2, column: '题干', message: '第2行“题干”应为文字，当前是数字 12345' },
			{ row: 3, column: '题号', message: '第3行“题号”应为文字，当前是数字 1' },
			{ row: 4, column: '知识点', message: '第4行“知识点”应为文字，当前是数字 1.1' }
		]);
	});

	it('numbers are fine for options and 难度 (number or numeric text)', async () => {
		const qs = await questionsOf(await workbook([single(1, { 选项A: 10, 选项B: 20, 选项C: 30, 选项D: 50, 难度: '3' }), single(2, { 难度: '５' })]));
		expect(qs[0]).toMatchObject({ options: { A: '10', B: '20', C: '30', D: '50' }, difficulty: 3 });
		expect(qs[1]!.difficulty).toBe(5);
	});

	it('bad difficulty', async () => {
		expect(await errorsOf(await workbook([single(1, { 难度: 6 }), single(2, { 难度: 2.5 }), single(3, { 难度: '中等' })]))).toEqual([
			{ row: 2, column: '难度', message: '第2行“难度”：难度必须是 1–5' },
			{ row: 3, column: '难度', message: '第3行“难度”：难度必须是 1–5 的整数' },
			{ row: 4, column: '难度', message: '第4行“难度”必须是 1–5 的整数，当前是“中等”' }
		]);
	});

	it('a 100,000-character cell is reported without its content', async () => {
		const errors = await errorsOf(await workbook([single(1, { 题干: '安'.repeat(100_000) })]));
		expect(errors).toEqual([{ row: 2, column: '题干', message: '第2行“题干”超过5000个字符' }]);
	});

	it('maxCellChars is configurable; zod limits still apply below it', async () => {
		expect(await errorsOf(await workbook([single(1, { 解析: '析'.repeat(101) })]), { maxCellChars: 100 })).toEqual([
			{ row: 2, column: '解析', message: '第2行“解析”超过100个字符' }
		]);
		expect(await errorsOf(await workbook([single(1, { 题干: '干'.repeat(2001) })]))).toEqual([
			{ row: 2, column: '题干', message: '第2行“题干”：题干过长（最多2000个字符）' }
		]);
	});

	it('bad ids, knowledge points and basis lines', async () => {
		const errors = await errorsOf(
			await workbook([
				single(1, { 题号: 'AQSC 1' }),
				single(2, { 依据: 'anquan-shengchan-fa-2021' }),
				single(3, { 依据: 'anquan-shengchan-fa-2021 第一条\nAnQuan 第二条' }),
				single(4, { 知识点: 'Ch2/x' })
			])
		);
		expect(errors).toEqual([
			{ row: 2, column: '题号', message: '第2行“题号”：题号只能包含小写字母、数字和连字符（2–40位）' },
			{
				row: 3,
				column: '依据',
				message: '第3行“依据”：“anquan-shengchan-fa-2021”格式不正确，应为“来源文件名 条款”（中间用空格隔开），如“anquan-shengchan-fa-2021 第二十八条”'
			},
			{ row: 4, column: '依据', message: '第4行“依据”：第2条依据来源应为 question-banks/sources 中的文件名（小写字母、数字和连字符）' },
			{ row: 5, column: '知识点', message: '第5行“知识点”：知识点编号格式不正确' }
		]);
	});

	it('reports every problem of a row at once, including cross-field ones', async () => {
		const errors = await errorsOf(await workbook([single(1, { 题干: null, 知识点: 'BAD', 答案: 'F', 选项C: null })]));
		expect(errors).toEqual([
			{ row: 2, column: '题干', message: '第2行“题干”不能为空' },
			{ row: 2, column: '知识点', message: '第2行“知识点”：知识点编号格式不正确' },
			{ row: 2, column: '选项C', message: '第2行“选项C”：选项须从A起连续排列（应为 A、B、C）' },
			{ row: 2, column: '答案', message: '第2行“答案”：答案“F”不在选项中' }
		]);
	});

	it('error cells and formulas without a cached result', async () => {
		const errors = await errorsOf(await workbook([single(1, { 解析: { error: '#N/A' } }), single(2, { 解析: { formula: 'A1&"x"' } as Cell })]));
		expect(errors).toEqual([
			{ row: 2, column: '解析', message: '第2行“解析”单元格是错误值 #N/A' },
			{ row: 3, column: '解析', message: '第3行“解析”是没有计算结果的公式，请在 Excel 中打开并保存后重试，或改为直接填写内容' }
		]);
	});
});

describe('parseQuestionsXlsx: across rows', () => {
	it('duplicate 题号 names the first row', async () => {
		const errors = await errorsOf(await workbook([single(1), single(2), single(3, { 题号: 'q-0001' })]));
		expect(errors).toEqual([{ row: 4, column: '题号', message: '第4行“题号”“q-0001”与第2行重复' }]);
	});

	it('duplicate stems (ignoring punctuation and spaces) name the first row', async () => {
		const errors = await errorsOf(await workbook([single(1, { 题干: '动火作业前应当（ ）。' }), single(2), single(3, { 题干: '动火 作业前，应当( )' })]));
		expect(errors).toEqual([{ row: 4, column: '题干', message: '第4行“题干”与第2行重复' }]);
	});

	it('skips blank rows and keeps Excel row numbers', async () => {
		const buf = await workbook([single(1), {}, { 题号: '  ' }, single(2, { 答案: null })]);
		expect(await errorsOf(buf)).toEqual([{ row: 5, column: '答案', message: '第5行“答案”不能为空' }]);
	});

	it('more rows than allowed: one error, rows not validated', async () => {
		const rows = Array.from({ length: 20_000 }, (_, i) => ({ 题号: `r-${i}` }) as RowSpec);
		const t0 = performance.now();
		expect(await parseQuestionsXlsx(await workbook(rows))).toEqual(fileError('文件有 20000 行题目，超过单次导入上限 10000 行，请拆分后导入'));
		expect(performance.now() - t0).toBeLessThan(30_000);
		expect(await parseQuestionsXlsx(await workbook([single(1), single(2), single(3)]), { maxRows: 2 })).toEqual(
			fileError('文件有 3 行题目，超过单次导入上限 2 行，请拆分后导入')
		);
	});

	it('lists at most 500 errors, then a summary entry', async () => {
		const rows = Array.from({ length: 600 }, (_, i) => single(i + 1, { 答案: null }));
		const errors = await errorsOf(await workbook(rows));
		expect(errors).toHaveLength(501);
		expect(errors[0]).toEqual({ row: 2, column: '答案', message: '第2行“答案”不能为空' });
		expect(errors[499]).toEqual({ row: 501, column: '答案', message: '第501行“答案”不能为空' });
		expect(errors[500]).toEqual({ row: null, column: null, message: '还有 100 处错误未列出' });
	});

	it('reports progress every 500 rows and at the end', async () => {
		const calls: [number, number][] = [];
		const r = await parseQuestionsXlsx(await workbook(Array.from({ length: 1200 }, (_, i) => single(i + 1))), { onProgress: (d, t) => calls.push([d, t]) });
		expect(r.ok).toBe(true);
		expect(calls).toEqual([
			[500, 1200],
			[1000, 1200],
			[1200, 1200]
		]);
	});
});

describe('parseQuestionsXlsx: valid files', () => {
	it('parses a 3-question workbook into Question objects', async () => {
		const buf = await workbook([
			single(1),
			{
				题号: 'q-0002',
				题型: '多选',
				题干: '下列属于主要负责人职责的有（ ）。',
				选项A: '建立健全全员安全生产责任制',
				选项B: '如实记录培训情况',
				选项C: '组织制定应急救援预案',
				选项D: '及时如实报告事故',
				选项E: '组织制定培训计划',
				答案: 'a, c、D e',
				解析: '见第二十一条。',
				依据: 'anquan-shengchan-fa-2021 第二十一条；anquan-shengchan-fa-2021 第二十五条',
				知识点: 'ch2.principal',
				难度: 4
			},
			{
				题号: 'q-0003',
				题型: 'judge',
				题干: '  生产经营单位不具备安全生产条件的，不得从事生产经营活动。  ',
				答案: '×',
				解析: { richText: [{ text: '第二十条', font: { bold: true } }, { text: '规定……' }] },
				依据: { formula: '"anquan-shengchan-fa-2021 第二十条"', result: 'anquan-shengchan-fa-2021 第二十条' },
				知识点: 'ch2.conditions',
				难度: '1'
			}
		]);
		expect(await questionsOf(buf)).toEqual([
			{
				id: 'q-0001',
				type: 'single',
				stem: '第1题：动火作业前应当（ ）。',
				options: { A: '先作业后审批', B: '办理动火审批手续', C: '口头报告班长', D: '无需任何手续' },
				answer: 'B',
				explanation: '动火作业实行审批制度。',
				basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第四十三条' }],
				knowledge: 'ch2.conditions',
				difficulty: 2
			},
			{
				id: 'q-0002',
				type: 'multiple',
				stem: '下列属于主要负责人职责的有（ ）。',
				options: { A: '建立健全全员安全生产责任制', B: '如实记录培训情况', C: '组织制定应急救援预案', D: '及时如实报告事故', E: '组织制定培训计划' },
				answer: ['A', 'C', 'D', 'E'],
				explanation: '见第二十一条。',
				basis: [
					{ source: 'anquan-shengchan-fa-2021', ref: '第二十一条' },
					{ source: 'anquan-shengchan-fa-2021', ref: '第二十五条' }
				],
				knowledge: 'ch2.principal',
				difficulty: 4
			},
			{
				id: 'q-0003',
				type: 'judge',
				stem: '生产经营单位不具备安全生产条件的，不得从事生产经营活动。',
				answer: false,
				explanation: '第二十条规定……',
				basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第二十条' }],
				knowledge: 'ch2.conditions',
				difficulty: 1
			}
		]);
	});

	it('accepts judge answers 对/错/√/TRUE and type names in English', async () => {
		const judge = (n: number, answer: Cell, type = '判断'): RowSpec =>
			single(n, { 题型: type, 选项A: null, 选项B: null, 选项C: null, 选项D: null, 答案: answer });
		const qs = await questionsOf(await workbook([judge(1, '对'), judge(2, '错'), judge(3, '√'), judge(4, true, 'judge'), judge(5, 'False'), single(6, { 题型: 'Single', 答案: 'c' })]));
		expect(qs.map((q) => q.answer)).toEqual([true, false, true, true, false, 'C']);
		expect(qs.map((q) => q.type)).toEqual(['judge', 'judge', 'judge', 'judge', 'judge', 'single']);
	});

	// Speed is measured by bench:banks; this only guards against a pathological (e.g. quadratic)
	// parser, with a bound loose enough for a busy CI machine.
	it('parses 5,000 valid rows without pathological slowness', async () => {
		const rows = Array.from({ length: 5000 }, (_, i) => single(i + 1, i % 3 === 0 ? { 题型: '多选', 答案: 'A,B,D' } : {}));
		const buf = await workbook(rows);
		const t0 = performance.now();
		const qs = await questionsOf(buf);
		const ms = performance.now() - t0;
		console.log(`parsed 5000 rows in ${ms.toFixed(0)} ms`);
		expect(qs).toHaveLength(5000);
		expect(qs[4999]!.id).toBe('q-5000');
		expect(ms).toBeLessThan(20_000);
	});
});

describe('template and export', () => {
	it('template: empty 题目 sheet with header, valid examples on 示例, instructions', async () => {
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await buildTemplateXlsx()) as unknown as ArrayBuffer);
		expect(wb.worksheets.map((w) => w.name)).toEqual(['题目', '示例', '填写说明']);
		const sheet = wb.getWorksheet('题目')!;
		expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...QUESTION_COLUMNS]);
		expect(sheet.getRow(1).font?.bold).toBe(true);
		expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
		expect(sheet.actualRowCount).toBe(1);

		// The examples are themselves importable.
		wb.removeWorksheet(sheet.id);
		const qs = await questionsOf(Buffer.from(await wb.xlsx.writeBuffer()));
		expect(qs.map((q) => q.type)).toEqual(['single', 'multiple', 'judge']);
	});

	const varied: Question[] = [
		{
			id: 'aqsc-0001',
			type: 'single',
			stem: '根据《安全生产法》，生产经营单位的主要负责人是本单位安全生产（ ）。',
			options: { A: '第一责任人', B: '直接责任人', C: '间接责任人', D: '监督人' },
			answer: 'A',
			explanation: '第五条。',
			basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第五条' }],
			knowledge: 'ch1.duty',
			difficulty: 1
		},
		{
			id: 'aqsc-0002',
			type: 'multiple',
			stem: '下列说法正确的有（ ）。\n（注意：本题为多选题）',
			options: { A: '选项一', B: '选项二', C: '选项三', D: '选项四', E: '选项五', F: '选项六' },
			answer: ['B', 'D', 'F'],
			explanation: '第一行解析\n第二行解析',
			basis: [
				{ source: 'anquan-shengchan-fa-2021', ref: '第二十一条' },
				{ source: 'anquan-shengchan-fa-2021', ref: '第二十五条 第一款' },
				{ source: 'weixian-huaxuepin-anquan-guanli-tiaoli-2013', ref: '第六条' }
			],
			knowledge: 'ch2.principal',
			difficulty: 5
		},
		{
			id: 'aqsc-0003',
			type: 'judge',
			stem: '从业人员有权拒绝违章指挥和强令冒险作业。',
			answer: true,
			explanation: '第五十四条。',
			basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第五十四条' }],
			knowledge: 'ch3.rights',
			difficulty: 2
		},
		{
			id: 'aqsc-0004',
			type: 'judge',
			stem: '=1+1 开头像公式的题干也应原样保存。',
			answer: false,
			explanation: '以等号开头的文字不是公式。',
			basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第一条' }],
			knowledge: 'ch1.scope',
			difficulty: 3
		},
		{
			id: 'aqsc-0005',
			type: 'single',
			stem: '安全距离不小于（ ）米。',
			options: { A: '10', B: '20', C: '30' },
			answer: 'C',
			explanation: '数字选项以文字保存。',
			basis: [{ source: 'gb18218-2018-zhongda-weixianyuan-bianshi-key-clauses', ref: '4.2.1' }],
			knowledge: '1.10',
			difficulty: 4
		},
		{
			id: '0006',
			type: 'multiple',
			stem: '题号和知识点看起来像数字时也按文字处理。',
			options: { A: 'a', B: 'b' },
			answer: ['A', 'B'],
			explanation: '“文本”格式。',
			basis: [{ source: 'a', ref: '表 1' }],
			knowledge: '2',
			difficulty: 2
		},
		{
			id: 'aqsc-0007',
			type: 'multiple',
			stem: '答案顺序按原样保留。',
			options: { A: '甲', B: '乙', C: '丙', D: '丁' },
			answer: ['D', 'A'],
			explanation: '顺序。',
			basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第九十条' }],
			knowledge: 'ch6.liability',
			difficulty: 3
		},
		{
			id: 'aqsc-0008',
			type: 'single',
			stem: '含有特殊字符 <tag> & "引号" \'单引号\' 的题干。',
			options: { A: '<', B: '&', C: '"', D: "'", E: 'E 选项' },
			answer: 'E',
			explanation: 'XML 需要转义的字符。',
			basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第二十八条' }],
			knowledge: 'ch2.training',
			difficulty: 1
		},
		{
			id: 'aqsc-0009',
			type: 'judge',
			stem: '长题干'.repeat(600),
			answer: true,
			explanation: '长解析'.repeat(900),
			basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第二十八条' }],
			knowledge: 'ch2.training',
			difficulty: 5
		},
		{
			id: 'aqsc-0010',
			type: 'single',
			stem: '只有两个选项的单选题。',
			options: { A: '是', B: '否' },
			answer: 'B',
			explanation: '两个选项。',
			basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第一百一十九条' }],
			knowledge: 'ch7',
			difficulty: 1
		}
	];

	it('export → parse round-trips exactly', async () => {
		const buf = await exportQuestionsXlsx({ code: 'aqsc-law-2021', name: '新《安全生产法》（2021修正）题库' }, varied);
		expect(await questionsOf(buf)).toEqual(varied);
	});

	it('export has a 题库信息 sheet with code and name', async () => {
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await exportQuestionsXlsx({ code: 'aqsc-law-2021', name: '安全生产法题库' }, varied)) as unknown as ArrayBuffer);
		expect(wb.worksheets.map((w) => w.name)).toEqual(['题目', '题库信息']);
		const info = wb.getWorksheet('题库信息')!;
		expect(info.getRow(1).values).toEqual([undefined, '题库代码', 'aqsc-law-2021']);
		expect(info.getRow(2).values).toEqual([undefined, '题库名称', '安全生产法题库']);
		const sheet = wb.getWorksheet('题目')!;
		expect((sheet.getRow(1).values as unknown[]).slice(1)).toEqual([...QUESTION_COLUMNS]);
		expect(sheet.getRow(3).getCell(10).value).toBe('BDF');
		expect(sheet.getRow(4).getCell(10).value).toBe('正确');
		expect(sheet.getRow(4).getCell(2).value).toBe('判断');
	});
});

describe('case groups, same_fact and trivia_ok (issue 14)', () => {
	const SCENARIO = '某化工企业安排班组清理一座停用的溶剂储罐。班组长要求操作工在未通风、未检测的情况下立即进罐。';
	const member = (n: number, extra: RowSpec = {}): RowSpec => single(n, { 案例组: 'demo-case-01', ...extra });

	it('a case group may give its title and scenario on the first row only; every member carries them, in file order', async () => {
		const buf = await workbook([
			single(1),
			member(3, { 案例标题: '储罐清理', 案例材料: SCENARIO }),
			single(2, { 同一事实组: 'tank.entry', 记忆题理由: '一小时报告时限是主要负责人的法定职责' }),
			member(5, { 案例材料: SCENARIO }),
			member(4)
		]);
		const r = await parseQuestionsXlsx(buf);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		expect(r.rows).toEqual([2, 3, 4, 5, 6]);
		expect(r.columns).toEqual(['案例组', '案例标题', '案例材料', '同一事实组', '记忆题理由']);
		expect(r.questions.map((q) => [q.id, q.case ?? null])).toEqual([
			['q-0001', null],
			['q-0003', 'demo-case-01'],
			['q-0002', null],
			['q-0005', 'demo-case-01'],
			['q-0004', 'demo-case-01']
		]);
		for (const q of r.questions.filter((x) => x.case)) expect([q.case_title, q.case_scenario]).toEqual(['储罐清理', SCENARIO]);
		expect(r.questions[0]).not.toHaveProperty('case_title');
		expect(r.questions[2]).toMatchObject({ same_fact: 'tank.entry', trivia_ok: '一小时报告时限是主要负责人的法定职责' });
	});

	it('a file without the group columns still imports (older template)', async () => {
		const headers = QUESTION_COLUMNS.filter((c) => !['案例组', '案例标题', '案例材料', '同一事实组', '记忆题理由'].includes(c));
		const r = await parseQuestionsXlsx(await workbook([single(1)], { headers }));
		expect(r).toMatchObject({ ok: true, rows: [2], columns: [] });
	});

	it('rows of one case that disagree on the scenario or title are named, with the row they disagree with', async () => {
		const errors = await errorsOf(
			await workbook([
				member(1, { 案例标题: '储罐清理', 案例材料: SCENARIO }),
				member(2, { 案例材料: SCENARIO }),
				member(3, { 案例标题: '储罐清洗', 案例材料: `${SCENARIO}（修改稿）` })
			])
		);
		expect(errors).toEqual([
			{ row: 4, column: '案例标题', message: '第4行“案例标题”与第2行不一致：同一案例组“demo-case-01”的各行案例标题必须相同（可只在该组第一行填写，其余行留空）' },
			{ row: 4, column: '案例材料', message: '第4行“案例材料”与第2行不一致：同一案例组“demo-case-01”的各行案例材料必须相同（可只在该组第一行填写，其余行留空）' }
		]);
	});

	it('a case group without a scenario or title, and a scenario without a case group, are errors', async () => {
		const errors = await errorsOf(await workbook([member(1), member(2), single(3, { 案例材料: SCENARIO }), single(4, { 案例标题: '孤立的标题' })]));
		expect(errors).toEqual([
			{ row: 4, column: '案例材料', message: '第4行“案例材料”：填写了案例材料，但没有填写“案例组”' },
			{ row: 5, column: '案例标题', message: '第5行“案例标题”：填写了案例标题，但没有填写“案例组”' },
			{ row: 2, column: '案例标题', message: '第2行“案例标题”：案例组“demo-case-01”没有填写案例标题（至少在该组的一行中填写）' },
			{ row: 2, column: '案例材料', message: '第2行“案例材料”：案例组“demo-case-01”没有填写案例材料（至少在该组的一行中填写）' }
		]);
	});

	it('validates the case code, same_fact, trivia_ok and the scenario length like the YAML loader', async () => {
		const errors = await errorsOf(
			await workbook([
				single(1, { 案例组: 'Case 1', 案例标题: '标题', 案例材料: SCENARIO }),
				single(2, { 同一事实组: '一小时报告' }),
				single(3, { 记忆题理由: '理'.repeat(201) }),
				member(4, { 案例标题: '标题', 案例材料: '情'.repeat(2001) }),
				member(5)
			])
		);
		expect(errors).toEqual([
			{ row: 2, column: '案例组', message: '第2行“案例组”：案例编号（case）应形如 acc-case-01' },
			{ row: 3, column: '同一事实组', message: '第3行“同一事实组”：同一事实组（same_fact）只能包含小写字母、数字、点和连字符' },
			{ row: 4, column: '记忆题理由', message: '第4行“记忆题理由”：trivia_ok 理由过长（最多200个字符）' },
			{ row: 5, column: '案例材料', message: '第5行“案例材料”：案例情景过长（最多2000个字符）' }
		]);
	});

	const grouped: StoredQuestion[] = [
		{ ...base('g-0001'), case: 'g-case-01', case_title: '有限空间', case_scenario: SCENARIO },
		{ ...base('g-0002'), same_fact: 'report.one-hour', trivia_ok: '1小时内报告是事故单位负责人的职责' },
		{ ...base('g-0003'), case: 'g-case-02', case_title: '动火作业', case_scenario: `${SCENARIO}\n第二段` },
		{ ...base('g-0004'), case: 'g-case-01', case_title: '有限空间', case_scenario: SCENARIO },
		{ ...base('g-0005'), same_fact: 'report.one-hour' },
		{ ...base('g-0006'), case: 'g-case-02', case_title: '动火作业', case_scenario: `${SCENARIO}\n第二段` },
		{ ...base('g-0007'), case: 'g-case-01', case_title: '有限空间', case_scenario: SCENARIO }
	];
	function base(id: string): StoredQuestion {
		return {
			id,
			type: 'judge',
			stem: `题目 ${id}：作业前应当进行气体检测。`,
			answer: true,
			explanation: '解析。',
			basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第四十三条' }],
			knowledge: 'k1',
			difficulty: 3
		};
	}

	it('export → parse keeps case groups (members together, their order kept), same_fact and trivia_ok', async () => {
		const buf = await exportQuestionsXlsx({ code: 'g', name: '组' }, grouped);
		const r = await parseQuestionsXlsx(buf);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		const order = ['g-0001', 'g-0004', 'g-0007', 'g-0002', 'g-0003', 'g-0006', 'g-0005'];
		expect(r.questions.map((q) => q.id)).toEqual(order);
		expect(r.questions).toEqual(order.map((id) => grouped.find((q) => q.id === id)));
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load(buf as unknown as ArrayBuffer);
		const sheet = wb.getWorksheet('题目')!;
		const col = (name: QuestionColumn) => QUESTION_COLUMNS.indexOf(name) + 1;
		expect(sheet.getRow(2).getCell(col('案例材料')).value).toBe(SCENARIO);
		expect(sheet.getRow(3).getCell(col('案例组')).value).toBe('g-case-01');
		expect(sheet.getRow(5).getCell(col('同一事实组')).value).toBe('report.one-hour');
	});

	it('template explains the new columns', async () => {
		const wb = new ExcelJS.Workbook();
		await wb.xlsx.load((await buildTemplateXlsx()) as unknown as ArrayBuffer);
		const help = wb.getWorksheet('填写说明')!;
		const names: unknown[] = [];
		help.eachRow((row) => names.push(row.getCell(1).value));
		for (const c of ['案例组', '案例标题', '案例材料', '同一事实组', '记忆题理由']) expect(names).toContain(c);
	});
});
