import ExcelJS from 'exceljs';
import { writeXlsxBuffer } from '../excel/safe-cells.ts';
import { EMPTY, MAX_LISTED_ERRORS, cellText, listRowErrors, progressPause, readCell, readImportSheet, snippet, unnamedColumns, type Cell, type RowError } from '../excel/sheet.ts';
import { checkCreditCode, creditCodeCheckChar, CREDIT_CODE_MESSAGES } from '../../domain/identifiers.ts';

// Excel (.xlsx) template and reader for a regulator's enterprise directory (企业名录). Pure: the
// caller passes the regions of its jurisdiction and the industry list, and checks the rows against
// the database itself (credit codes already registered). One enterprise per row on sheet “企业名录”.

export const DIRECTORY_COLUMNS = ['统一社会信用代码', '企业名称', '所在区县/乡镇街道', '行业', '地址', '法定代表人', '联系人', '联系电话'] as const;
export type { RowError };
export type DirectoryColumn = (typeof DIRECTORY_COLUMNS)[number];
const REQUIRED: readonly DirectoryColumn[] = ['统一社会信用代码', '企业名称', '所在区县/乡镇街道', '行业'];

const HEADER_ALIASES: Record<string, DirectoryColumn> = {
	信用代码: '统一社会信用代码',
	社会信用代码: '统一社会信用代码',
	单位名称: '企业名称',
	名称: '企业名称',
	所在区域: '所在区县/乡镇街道',
	区域: '所在区县/乡镇街道',
	所在区县: '所在区县/乡镇街道',
	所属行业: '行业',
	注册地址: '地址',
	法人代表: '法定代表人',
	联系方式: '联系电话',
	电话: '联系电话'
};
const IGNORED_COLUMNS = new Set(['序号', '备注']);

export const DIRECTORY_SHEET = '企业名录';
export const NOTES_SHEET = '填写说明';
export const MAX_DIRECTORY_ROWS = 50_000;
export { MAX_LISTED_ERRORS };
const PROGRESS_EVERY = 2000;

export const NAME_MAX = 100;
export const ADDRESS_MAX = 200;
export const PERSON_MAX = 50;
const PHONE_RE = /^[0-9+\-() ]{7,20}$/;
// C0 and C1 control characters (tab and line breaks included: every field is one line).
// eslint-disable-next-line no-control-regex
const CONTROL_RE = /[\u0000-\u001f\u007f-\u009f]/;

export type DirectoryRegion = { code: string; name: string; parentName: string | null };
export type DirectoryIndustry = { code: string; name: string; highRisk: boolean };

export type EnterpriseRow = {
	row: number;
	creditCode: string;
	name: string;
	regionCode: string;
	industryCode: string;
	address: string | null;
	legalRep: string | null;
	contactName: string | null;
	contactPhone: string | null;
};

export type DirectoryParseResult =
	| { readable: false; errors: RowError[] }
	/** `rows` holds every row that passed; `errors` the problems of the others (none when all passed). */
	| { readable: true; rows: EnterpriseRow[]; total: number; errors: RowError[] };

export type DirectoryParseOptions = {
	/** Regions inside the regulator's jurisdiction (its own region and every region under it). */
	regions: DirectoryRegion[];
	/** Names and codes of regions outside the jurisdiction, to say why a known region is refused. */
	outsideRegions: string[];
	industries: DirectoryIndustry[];
	maxRows?: number;
	onProgress?: (done: number, total: number) => void;
};

// ---------------------------------------------------------------------------------------------
// Writing

function exampleCreditCode(first17: string): string {
	return first17 + creditCodeCheckChar(first17);
}

const NOTES: [DirectoryColumn, string, string][] = [
	['统一社会信用代码', '必填', '18位统一社会信用代码；系统按国家标准（GB 32100）核对校验位。同一文件内不能重复。已在本辖区登记的企业按此代码更新；已在辖区外登记的企业不能导入。'],
	['企业名称', '必填', `最多${NAME_MAX}个字。`],
	['所在区县/乡镇街道', '必填', '填写下方“本辖区区域”中的名称或代码（如 龙溪街道、500112004）；同名区域请填写代码或“区县/乡镇街道”（如 渝北区/龙溪街道）。只能是本辖区内的区域。'],
	['行业', '必填', '填写下方“行业”中的名称或代码。是否高危行业由行业自动确定，不需要填写。'],
	['地址', '选填', `最多${ADDRESS_MAX}个字。`],
	['法定代表人', '选填', `最多${PERSON_MAX}个字。`],
	['联系人', '选填', `最多${PERSON_MAX}个字。`],
	['联系电话', '选填', '手机或固定电话，7–20位数字，可含 - 和括号，如 023-67891234。']
];

const GENERAL_NOTES = [
	'在“企业名录”工作表中填写，每行一家企业；第1行是表头，请不要修改列名。列的顺序可以调整，“序号”“备注”列会被忽略。',
	`单次最多导入 ${MAX_DIRECTORY_ROWS} 家企业；空行会被忽略。`,
	'导入时会检查每一行：文件中有任何错误都不会导入任何企业，并列出所有出错的行、列和原因。',
	'再次导入同一企业（同一统一社会信用代码）时更新其信息，导入结果会列出哪些字段有变化；选填列留空表示不修改原有内容。',
	'导入的企业状态为“正常”，还没有登录账号。',
	'统一社会信用代码、联系电话请保持“文本”格式。'
];

/** Blank template: “企业名录” (header and one example row to replace), “填写说明” with the allowed values. */
export async function buildDirectoryTemplateXlsx(regions: DirectoryRegion[], industries: DirectoryIndustry[]): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	wb.creator = '安训';
	const ws = wb.addWorksheet(DIRECTORY_SHEET, { views: [{ state: 'frozen', ySplit: 1 }] });
	const widths: Record<DirectoryColumn, number> = { 统一社会信用代码: 22, 企业名称: 30, '所在区县/乡镇街道': 18, 行业: 14, 地址: 36, 法定代表人: 12, 联系人: 12, 联系电话: 16 };
	ws.columns = DIRECTORY_COLUMNS.map((header) => ({ header, width: widths[header], style: { numFmt: '@' } }));
	const header = ws.getRow(1);
	header.font = { bold: true };
	header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };

	const help = wb.addWorksheet(NOTES_SHEET);
	help.columns = [{ width: 22 }, { width: 22 }, { width: 90 }];
	help.addRow(['企业名录导入填写说明']).font = { bold: true, size: 14 };
	help.addRow([]);
	for (const note of GENERAL_NOTES) help.addRow(['', '', note]);
	help.addRow([]);
	help.addRow(['列名', '是否必填', '填写要求']).font = { bold: true };
	for (const row of NOTES) help.addRow(row);
	help.addRow([]);
	help.addRow(['示例（一行）']).font = { bold: true };
	help.addRow([exampleCreditCode('91500112MA5U7XXX0'.replace(/X/g, '1')), '重庆示例机械有限公司', regions[0]?.name ?? '', industries.find((i) => i.code === 'it_machinery')?.name ?? industries[0]?.name ?? '']);
	help.addRow([]);
	help.addRow(['行业（填写名称或代码）']).font = { bold: true };
	help.addRow(['名称', '代码', '高危行业']).font = { bold: true };
	for (const i of industries) help.addRow([i.name, i.code, i.highRisk ? '是' : '否']);
	help.addRow([]);
	help.addRow(['本辖区区域（填写名称或代码）']).font = { bold: true };
	help.addRow(['名称', '代码', '上级区域']).font = { bold: true };
	for (const r of regions) help.addRow([r.name, r.code, r.parentName ?? '']);
	help.getColumn(2).numFmt = '@';
	help.eachRow((row) => {
		row.alignment = { vertical: 'top', wrapText: true };
	});
	return writeXlsxBuffer(wb);
}

// ---------------------------------------------------------------------------------------------
// Reading

function key(s: string): string {
	return s.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
}

const NO_DATA = '没有企业数据：请在“企业名录”工作表第2行起填写，每行一家企业';

/** Sorted by row and column; at most MAX_LISTED_ERRORS, then one entry saying how many more. */
export function listDirectoryErrors(errors: RowError[]): RowError[] {
	return listRowErrors(errors, DIRECTORY_COLUMNS);
}

/** This import's own wording for two of cellText's messages (kept as the directory import has always said them). */
const OWN_WORDING: Partial<Record<Cell['kind'], string>> = {
	formula: '是没有计算结果的公式，请改为直接填写内容',
	boolean: '应为文字，当前是逻辑值'
};

type Lookup = { regions: Map<string, string | null>; outside: Set<string>; industries: Map<string, string>; industryNames: string };

function buildLookup(options: DirectoryParseOptions): Lookup {
	// name → code, or null when two regions of the jurisdiction share the name
	const regions = new Map<string, string | null>();
	const put = (k: string, code: string) => regions.set(k, regions.has(k) && regions.get(k) !== code ? null : code);
	for (const r of options.regions) {
		regions.set(key(r.code), r.code);
		put(key(r.name), r.code);
		if (r.parentName) {
			put(key(`${r.parentName}/${r.name}`), r.code);
			put(key(`${r.parentName}${r.name}`), r.code);
		}
	}
	const industries = new Map<string, string>();
	for (const i of options.industries) {
		industries.set(key(i.code), i.code);
		industries.set(key(i.name), i.code);
	}
	return { regions, outside: new Set(options.outsideRegions.map(key)), industries, industryNames: options.industries.map((i) => i.name).join('、') };
}

function readRow(n: number, values: unknown[], header: Map<DirectoryColumn, number>, lookup: Lookup, errors: RowError[]): EnterpriseRow | null {
	let ok = true;
	const fail = (col: DirectoryColumn, message: string) => {
		ok = false;
		errors.push({ row: n, column: col, message: `第${n}行“${col}”：${message}` });
	};
	const cell = (col: DirectoryColumn): Cell => {
		const c = header.get(col);
		return c === undefined ? EMPTY : readCell(values[c]);
	};
	/** Text of the cell ('' when empty), or null when unusable (reported). */
	const text = (col: DirectoryColumn, numbers: boolean): string | null => {
		const c = cell(col);
		const read = cellText(c, numbers ? 'integer' : 'none');
		if ('error' in read) return fail(col, OWN_WORDING[c.kind] ?? read.error), null;
		if (CONTROL_RE.test(read.text)) return fail(col, '含有换行、制表符等控制字符，请删除后重试'), null;
		return read.text;
	};
	const required = (col: DirectoryColumn, numbers = false): string | null => {
		const t = text(col, numbers);
		if (t === '') fail(col, '必须填写');
		return t || null;
	};
	const optional = (col: DirectoryColumn, max: number): string | null => {
		const t = text(col, false);
		if (t && [...t].length > max) return fail(col, `最多${max}个字，当前${[...t].length}个字`), null;
		return t || null;
	};

	let creditCode: string | null = null;
	if (cell('统一社会信用代码').kind === 'number') fail('统一社会信用代码', 'Excel 把代码存成了数字，请把该列设置为“文本”格式后重新填写');
	else {
		const raw = required('统一社会信用代码');
		if (raw !== null) {
			const code = raw.normalize('NFKC').replace(/\s+/g, '').toUpperCase();
			const problem = checkCreditCode(code);
			if (problem) fail('统一社会信用代码', `“${snippet(raw, 24)}”：${CREDIT_CODE_MESSAGES[problem]}`);
			else creditCode = code;
		}
	}

	const name = required('企业名称');
	if (name !== null && [...name].length > NAME_MAX) fail('企业名称', `最多${NAME_MAX}个字，当前${[...name].length}个字`);

	let regionCode: string | null = null;
	const regionText = required('所在区县/乡镇街道', true);
	if (regionText !== null) {
		const k = key(regionText);
		const found = lookup.regions.get(k);
		if (found) regionCode = found;
		else if (found === null) fail('所在区县/乡镇街道', `本辖区有不止一个“${snippet(regionText)}”，请填写区域代码或“区县/乡镇街道”`);
		else if (lookup.outside.has(k)) fail('所在区县/乡镇街道', `“${snippet(regionText)}”不在本辖区内，只能导入本辖区的企业`);
		else fail('所在区县/乡镇街道', `“${snippet(regionText)}”不是本辖区的区县或乡镇街道，请填写“填写说明”中列出的名称或代码`);
	}

	let industryCode: string | null = null;
	const industryText = required('行业');
	if (industryText !== null) {
		industryCode = lookup.industries.get(key(industryText)) ?? null;
		if (!industryCode) fail('行业', `“${snippet(industryText)}”不是可选的行业，应为：${lookup.industryNames}`);
	}

	const address = optional('地址', ADDRESS_MAX);
	const legalRep = optional('法定代表人', PERSON_MAX);
	const contactName = optional('联系人', PERSON_MAX);
	let contactPhone: string | null = null;
	const phone = text('联系电话', true);
	if (phone) {
		const p = phone.normalize('NFKC').trim();
		if (!PHONE_RE.test(p)) fail('联系电话', `“${snippet(phone)}”不是有效的电话号码（7–20位数字，可含 - 和括号）`);
		else contactPhone = p;
	}

	if (!ok || !creditCode || !name || !regionCode || !industryCode) return null;
	return { row: n, creditCode, name, regionCode, industryCode, address, legalRep, contactName, contactPhone };
}

/**
 * Reads an enterprise directory from .xlsx (sheet “企业名录”, else the first sheet that is not the
 * notes). Never throws for bad input. Row numbers are Excel's (header = 1). Credit codes appearing
 * twice in the file are reported here, naming both rows.
 */
export async function parseDirectoryXlsx(data: Uint8Array | Buffer, options: DirectoryParseOptions): Promise<DirectoryParseResult> {
	const sheet = await readImportSheet(data, {
		pickSheet: (sheets) => sheets.find((s) => s.name.trim() === DIRECTORY_SHEET) ?? sheets.find((s) => s.name.trim() !== NOTES_SHEET) ?? sheets[0]!,
		header: {
			names: [...DIRECTORY_COLUMNS.map((c) => [c, c] as [string, DirectoryColumn]), ...Object.entries(HEADER_ALIASES)],
			required: REQUIRED,
			ignored: IGNORED_COLUMNS,
			unknownHint: `，可用的列名：${DIRECTORY_COLUMNS.join('、')}`
		},
		noData: NO_DATA,
		maxRows: options.maxRows ?? MAX_DIRECTORY_ROWS,
		rowsOf: '企业数据',
		split: '请拆分成几个文件后导入',
		oldFormatAdvice: '请另存为 .xlsx 后再导入'
	});
	if (!sheet.ok) return { readable: false, errors: sheet.errors };
	const raw = sheet.rows;

	const lookup = buildLookup(options);
	const errors: RowError[] = [];
	const unnamed = unnamedColumns(sheet.ws);
	const codeRows = new Map<string, number>();
	const rows: EnterpriseRow[] = [];
	for (const [i, { n, values }] of raw.entries()) {
		for (const message of unnamed(n, values)) errors.push({ row: n, column: null, message });
		const r = readRow(n, values, sheet.header, lookup, errors);
		if (r) {
			const first = codeRows.get(r.creditCode);
			if (first !== undefined) errors.push({ row: n, column: '统一社会信用代码', message: `第${n}行“统一社会信用代码”与第${first}行重复（同一企业只能填写一行）` });
			else {
				codeRows.set(r.creditCode, n);
				rows.push(r);
			}
		}
		await progressPause(i + 1, raw.length, PROGRESS_EVERY, options.onProgress);
	}
	options.onProgress?.(raw.length, raw.length);
	return { readable: true, rows, total: raw.length, errors };
}
