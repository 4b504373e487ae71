import ExcelJS from 'exceljs';
import { writeXlsxBuffer } from '../excel/safe-cells.ts';
import { EMPTY, MAX_LISTED_ERRORS, cellText, columnLetter, listRowErrors, normaliseHeader, progressPause, readCell, readImportSheet, snippet, unnamedColumns, type Cell, type NumbersAsText, type RowError } from '../excel/sheet.ts';
import { idNumberCheckChar } from '../../domain/identifiers.ts';
import { ENTERPRISE_ROLE_CATEGORIES, ROLE_CATEGORIES, ROLE_CATEGORY_LABELS, type RoleCategory } from '../../domain/labels.ts';
import { idNumberSchema, mobileSchema, personSchema, chinaDate, PERSON_NAME_MAX, PERSON_POSITION_MAX, EARLIEST_HIRED_ON, type PersonInput } from '../../schemas/person.ts';

// Excel (.xlsx) template and reader for an enterprise's staff list. Server-only, no database
// access: the caller passes the 特种作业 catalogue and the clock, and checks the rows against
// the database itself (people already registered, mobiles in use).
//
// One person per row on the sheet “人员”; row 1 is the header, columns are matched by header
// text (order does not matter). Field rules are those of the 新增人员 form (schemas/person.ts).

export const STAFF_COLUMNS = ['姓名', '身份证号', '手机号', '人员类别', '岗位', '特种作业操作项目', '入职日期'] as const;
export type StaffColumn = (typeof STAFF_COLUMNS)[number];
export const REQUIRED_STAFF_COLUMNS: readonly StaffColumn[] = ['姓名', '身份证号', '手机号', '人员类别'];

/** Header texts people write in their own spreadsheets for the same column. */
const HEADER_ALIASES: Record<string, StaffColumn> = {
	身份证号码: '身份证号',
	身份证: '身份证号',
	公民身份号码: '身份证号',
	手机号码: '手机号',
	手机: '手机号',
	联系电话: '手机号',
	类别: '人员类别',
	职务: '岗位',
	'岗位/职务': '岗位',
	特种作业项目: '特种作业操作项目',
	操作项目: '特种作业操作项目',
	入职时间: '入职日期'
};
/** Columns HR lists often have that the import deliberately skips. */
const IGNORED_COLUMNS = new Set(['序号', '备注']);

export const STAFF_SHEET = '人员';
export const EXAMPLE_SHEET = '示例';
export const INSTRUCTIONS_SHEET = '填写说明';

export const MAX_STAFF_ROWS = 50_000;
export { MAX_LISTED_ERRORS };
const PROGRESS_EVERY = 1000;
const VALIDATED_ROWS = 10_000;

export type { RowError };
export type SpecialOperation = { code: string; category: string; item: string };

/** A data row that passed every check in the file; `idNumber`/`mobile` are set whenever that cell alone is valid. */
export type StaffSheetRow = { row: number; person: PersonInput | null; idNumber: string | null; mobile: string | null };

export type StaffParseResult =
	/** The file cannot be read as a staff list (not .xlsx, no data, header problems, too many rows). */
	| { readable: false; errors: RowError[] }
	/** Every non-blank data row; `errors` lists the rows' problems (none when all persons are set). */
	| { readable: true; rows: StaffSheetRow[]; errors: RowError[] };

export type StaffParseOptions = {
	specialOperations: SpecialOperation[];
	now: Date;
	maxRows?: number;
	/** Called every 1000 rows and once at the end with (done, total). */
	onProgress?: (done: number, total: number) => void;
};

const COLUMN_WIDTHS: Record<StaffColumn, number> = { 姓名: 12, 身份证号: 22, 手机号: 15, 人员类别: 18, 岗位: 16, 特种作业操作项目: 26, 入职日期: 13 };

// ---------------------------------------------------------------------------------------------
// Writing

function exampleIdNumber(first17: string): string {
	return first17 + idNumberCheckChar(first17);
}

const EXAMPLES: Record<StaffColumn, string | Date | null>[] = [
	{ 姓名: '张三', 身份证号: exampleIdNumber('50011219900307123'), 手机号: '13800138000', 人员类别: '一线从业人员', 岗位: '装配车间', 特种作业操作项目: null, 入职日期: new Date(Date.UTC(2023, 2, 1)) },
	{ 姓名: '李四', 身份证号: exampleIdNumber('50011219851120456'), 手机号: '13900139000', 人员类别: '特种作业人员', 岗位: '维修电工', 特种作业操作项目: '1.2', 入职日期: new Date(Date.UTC(2019, 6, 15)) }
];

function addStaffSheet(wb: ExcelJS.Workbook, name: string, validations: { specialOps: number } | null): ExcelJS.Worksheet {
	const ws = wb.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
	ws.columns = STAFF_COLUMNS.map((header) => ({
		header,
		width: COLUMN_WIDTHS[header],
		// Text format keeps 18-digit ID numbers and codes such as 1.10 exactly as typed.
		style: { numFmt: header === '入职日期' ? 'yyyy-mm-dd' : '@', alignment: { vertical: 'top' } }
	}));
	const header = ws.getRow(1);
	header.font = { bold: true };
	header.alignment = { vertical: 'middle', horizontal: 'center' };
	header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF7' } };
	if (validations) {
		const letter = (c: StaffColumn) => columnLetter(STAFF_COLUMNS.indexOf(c) + 1);
		// exceljs expands a validated range into every cell when it reads a file back, so the
		// drop-downs cover the first 10,000 rows only (typed values are checked on import anyway).
		const last = VALIDATED_ROWS + 1;
		// Worksheet.dataValidations is missing from exceljs' type declarations.
		const dv = (ws as unknown as { dataValidations: { add(address: string, v: ExcelJS.DataValidation): void } }).dataValidations;
		dv.add(`${letter('人员类别')}2:${letter('人员类别')}${last}`, {
			type: 'list',
			allowBlank: true,
			formulae: [`"${ENTERPRISE_ROLE_CATEGORIES.map((c) => ROLE_CATEGORY_LABELS[c]).join(',')}"`],
			showErrorMessage: true,
			errorTitle: '人员类别',
			error: `请选择：${ENTERPRISE_ROLE_CATEGORIES.map((c) => ROLE_CATEGORY_LABELS[c]).join('、')}`
		});
		if (validations.specialOps > 0) {
			// A drop-down of the catalogue codes; names are accepted too, so no error message.
			dv.add(`${letter('特种作业操作项目')}2:${letter('特种作业操作项目')}${last}`, {
				type: 'list',
				allowBlank: true,
				formulae: [`'${INSTRUCTIONS_SHEET}'!$A$${SPECIAL_OPS_FIRST_ROW}:$A$${SPECIAL_OPS_FIRST_ROW + validations.specialOps - 1}`],
				showErrorMessage: false
			});
		}
	}
	return ws;
}

const INSTRUCTIONS: [string, string, string][] = [
	['姓名', '必填', `最多${PERSON_NAME_MAX}个字。`],
	['身份证号', '必填', '18位居民身份证号码，最后一位可以是X；系统按国家标准（GB 11643）核对校验位。同一文件内不能重复，也不能是平台上已登记的人员。'],
	['手机号', '必填', '11位手机号码。同一文件内不能重复，也不能是其他人员已使用的号码。员工用身份证号和手机号激活账号。'],
	['人员类别', '必填', `下拉选择，只能是：${ENTERPRISE_ROLE_CATEGORIES.map((c) => ROLE_CATEGORY_LABELS[c]).join('、')}。`],
	['岗位', '选填', `最多${PERSON_POSITION_MAX}个字，如 装配车间、维修电工。`],
	['特种作业操作项目', '特种作业人员必填', '人员类别为“特种作业人员”时必填，其他人员必须留空。填写下方目录中的编号（如 1.2）或操作项目名称（如 低压电工作业）。'],
	['入职日期', '选填', `Excel 日期，或 YYYY-MM-DD 格式的文字（如 2024-03-01）；不能晚于导入当天，不能早于 ${EARLIEST_HIRED_ON}。`]
];

const GENERAL_NOTES = [
	'在“人员”工作表中填写，每行一人；第1行是表头，请不要修改列名。列的顺序可以调整，选填的列可以删除；“序号”“备注”列会被忽略。',
	'“示例”工作表中有两行示例，仅供参考，导入时不会读取。',
	`单次最多导入 ${MAX_STAFF_ROWS} 人，更多请拆分成几个文件；空行会被忽略。`,
	'身份证号、手机号、特种作业操作项目请保持“文本”格式，避免 Excel 把长数字改成科学计数法或丢掉末几位。',
	'导入时会检查每一行：文件中有任何错误都不会导入任何人，并列出所有出错的行、列和原因；请按提示修改后重新上传。',
	'导入的人员还没有登录账号：请通知员工在登录页点击“首次使用？激活账号”，用身份证号和手机号设置密码。'
];

/**
 * Row (1-based) of the first 特种作业 code on the 填写说明 sheet, which the drop-down refers to:
 * title, blank, notes, blank, header, columns, blank, title, header, categories, blank, title, header.
 */
const SPECIAL_OPS_FIRST_ROW = 11 + GENERAL_NOTES.length + INSTRUCTIONS.length + ENTERPRISE_ROLE_CATEGORIES.length;

/** Blank import template: “人员” (header only), “示例” (two example rows), “填写说明”. */
export async function buildStaffTemplateXlsx(specialOperations: SpecialOperation[]): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	wb.creator = '安训';
	addStaffSheet(wb, STAFF_SHEET, { specialOps: specialOperations.length });

	const examples = addStaffSheet(wb, EXAMPLE_SHEET, null);
	for (const e of EXAMPLES) examples.addRow(STAFF_COLUMNS.map((c) => e[c]));

	const help = wb.addWorksheet(INSTRUCTIONS_SHEET);
	help.columns = [{ width: 18 }, { width: 22 }, { width: 90 }];
	help.addRow(['人员名单导入填写说明']).font = { bold: true, size: 14 };
	help.addRow([]);
	for (const note of GENERAL_NOTES) help.addRow(['', '', note]);
	help.addRow([]);
	help.addRow(['列名', '是否必填', '填写要求']).font = { bold: true };
	for (const row of INSTRUCTIONS) help.addRow(row);
	help.addRow([]);
	help.addRow(['人员类别（可填写的值）']).font = { bold: true };
	help.addRow(['人员类别', '', '说明']).font = { bold: true };
	for (const c of ENTERPRISE_ROLE_CATEGORIES) {
		help.addRow([ROLE_CATEGORY_LABELS[c], '', c === 'special_worker' ? '须同时填写“特种作业操作项目”' : '']);
	}
	help.addRow([]);
	help.addRow(['特种作业目录（填写编号或操作项目名称）']).font = { bold: true };
	help.addRow(['编号', '作业类别', '操作项目']).font = { bold: true };
	if (help.rowCount + 1 !== SPECIAL_OPS_FIRST_ROW) throw new Error(`staff template layout changed: codes start at row ${help.rowCount + 1}`);
	for (const op of specialOperations) help.addRow([op.code, op.category, op.item]);
	help.getColumn(1).numFmt = '@';
	help.eachRow((row) => {
		row.alignment = { vertical: 'top', wrapText: true };
	});
	return writeXlsxBuffer(wb);
}

// ---------------------------------------------------------------------------------------------
// Reading

/** Lookup key for labels and catalogue names: full-width → half-width, no spaces. */
function key(s: string): string {
	return s.normalize('NFKC').replace(/\s+/g, '');
}

const NO_DATA = '没有人员数据：请在“人员”工作表第2行起填写，每行一人';

const PATH_COLUMNS: Record<keyof PersonInput, StaffColumn> = {
	name: '姓名',
	idNumber: '身份证号',
	mobile: '手机号',
	roleCategory: '人员类别',
	specialOperationCode: '特种作业操作项目',
	position: '岗位',
	hiredOn: '入职日期'
};

/** Sorted by row and column; at most MAX_LISTED_ERRORS, then one entry saying how many more. */
export function listErrors(errors: RowError[]): RowError[] {
	return listRowErrors(errors, STAFF_COLUMNS);
}

/** Date cell or text as YYYY-MM-DD (zero-padded); other text is passed on for the schema to reject. */
function dateText(text: string): string {
	const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$/.exec(text.normalize('NFKC'));
	return m ? `${m[1]}-${m[2]!.padStart(2, '0')}-${m[3]!.padStart(2, '0')}` : text;
}

class RowReader {
	private readonly schema: ReturnType<typeof personSchema>;
	private readonly categories = new Map<string, RoleCategory>();
	private readonly operations = new Map<string, string>();

	constructor(
		private readonly header: Map<StaffColumn, number>,
		specialOperations: SpecialOperation[],
		now: Date,
		private readonly errors: RowError[]
	) {
		this.schema = personSchema(chinaDate(now));
		for (const c of ROLE_CATEGORIES) {
			this.categories.set(key(ROLE_CATEGORY_LABELS[c]), c);
			this.categories.set(c, c);
		}
		for (const op of specialOperations) {
			this.operations.set(key(op.code), op.code);
			this.operations.set(key(op.item), op.code);
			this.operations.set(key(`${op.code}${op.item}`), op.code);
		}
	}

	read(rowNumber: number, values: unknown[]): StaffSheetRow {
		const bad = new Set<StaffColumn>();
		const fail = (col: StaffColumn, message: string) => {
			bad.add(col);
			this.errors.push({ row: rowNumber, column: col, message: `第${rowNumber}行“${col}”：${message}` });
		};
		const cell = (col: StaffColumn): Cell => {
			const c = this.header.get(col);
			return c === undefined ? EMPTY : readCell(values[c]);
		};
		/** The cell as text; numbers only where `numbers` allows. Empty → ''. Unusable → undefined (reported). */
		const text = (col: StaffColumn, numbers: NumbersAsText): string | undefined => {
			const read = cellText(cell(col), numbers);
			if ('text' in read) return read.text;
			fail(col, read.error);
			return undefined;
		};

		const name = text('姓名', 'none');

		let idNumber: string | undefined;
		const idCell = cell('身份证号');
		if (idCell.kind === 'number') {
			fail('身份证号', 'Excel 把身份证号存成了数字，末几位可能已经丢失；请把该列设置为“文本”格式后重新填写');
		} else idNumber = text('身份证号', 'none');

		const mobile = text('手机号', 'integer');

		let roleCategory: string | undefined;
		const roleText = text('人员类别', 'none');
		if (roleText) {
			const code = this.categories.get(key(roleText));
			if (!code) fail('人员类别', `“${snippet(roleText)}”不是可选的人员类别，应为：${ENTERPRISE_ROLE_CATEGORIES.map((c) => ROLE_CATEGORY_LABELS[c]).join('、')}`);
			else if (!ENTERPRISE_ROLE_CATEGORIES.includes(code)) fail('人员类别', `“${ROLE_CATEGORY_LABELS[code]}”不是企业人员类别，应为：${ENTERPRISE_ROLE_CATEGORIES.map((c) => ROLE_CATEGORY_LABELS[c]).join('、')}`);
			else roleCategory = code;
		} else if (roleText === '') roleCategory = '';

		const position = text('岗位', 'any');

		let specialOperationCode: string | undefined;
		const opText = text('特种作业操作项目', 'any');
		if (opText) {
			specialOperationCode = this.operations.get(key(opText));
			if (!specialOperationCode) fail('特种作业操作项目', `“${snippet(opText, 30)}”不在特种作业目录中，请填写“填写说明”中列出的编号（如 1.2）或操作项目名称（如 低压电工作业）`);
		} else if (opText === '') specialOperationCode = '';

		let hiredOn: string | undefined;
		const dateCell = cell('入职日期');
		if (dateCell.kind === 'date') hiredOn = dateCell.value.toISOString().slice(0, 10);
		else if (dateCell.kind === 'number') fail('入职日期', `应为日期或 YYYY-MM-DD 格式的文字（如 2024-03-01），当前是数字 ${dateCell.value}`);
		else {
			const t = text('入职日期', 'none');
			if (t !== undefined) hiredOn = dateText(t);
		}

		// Only the name and the required keys are passed when their cell was unusable, so the
		// schema's own checks (and the cross-field rule) still run for everything else.
		const candidate = { name, idNumber, mobile, roleCategory, specialOperationCode, position, hiredOn };
		const parsed = this.schema.safeParse(candidate);
		const idOk = idNumber !== undefined ? idNumberSchema.safeParse(idNumber) : null;
		const mobileOk = mobile !== undefined ? mobileSchema.safeParse(mobile) : null;
		const out: StaffSheetRow = {
			row: rowNumber,
			person: null,
			idNumber: idOk?.success ? idOk.data : null,
			mobile: mobileOk?.success ? mobileOk.data : null
		};
		if (parsed.success) {
			if (bad.size === 0) out.person = parsed.data;
			return out;
		}
		const reported = new Set<StaffColumn>();
		for (const issue of parsed.error.issues) {
			const col = PATH_COLUMNS[issue.path[0] as keyof PersonInput];
			// One message per cell; a cell already reported above (unusable value) is not repeated.
			if (!col || bad.has(col) || reported.has(col)) continue;
			reported.add(col);
			this.errors.push({ row: rowNumber, column: col, message: `第${rowNumber}行“${col}”：${issue.message}` });
		}
		return out;
	}
}

/**
 * Reads a staff list from an .xlsx file (sheet “人员”, else the first sheet that is not the
 * instructions). Never throws for bad input. Row numbers are Excel's (header = 1). Duplicates
 * within the file are reported here, naming both rows.
 */
export async function parseStaffXlsx(data: Uint8Array | Buffer, options: StaffParseOptions): Promise<StaffParseResult> {
	const sheet = await readImportSheet(data, {
		pickSheet: (sheets) =>
			sheets.find((s) => s.name.trim() === STAFF_SHEET) ?? sheets.find((s) => ![EXAMPLE_SHEET, INSTRUCTIONS_SHEET].includes(s.name.trim())) ?? sheets[0]!,
		header: {
			names: [...STAFF_COLUMNS.map((c) => [c, c] as [string, StaffColumn]), ...Object.entries(HEADER_ALIASES)],
			required: REQUIRED_STAFF_COLUMNS,
			ignored: new Set([...IGNORED_COLUMNS].map(normaliseHeader)),
			unknownHint: `，可用的列名：${STAFF_COLUMNS.join('、')}`
		},
		noData: NO_DATA,
		maxRows: options.maxRows ?? MAX_STAFF_ROWS,
		rowsOf: '人员数据',
		split: '请拆分成几个文件后导入'
	});
	if (!sheet.ok) return { readable: false, errors: sheet.errors };
	const raw = sheet.rows;

	const errors: RowError[] = [];
	const reader = new RowReader(sheet.header, options.specialOperations, options.now, errors);
	const unnamed = unnamedColumns(sheet.ws);
	const idRows = new Map<string, number>();
	const mobileRows = new Map<string, number>();
	const rows: StaffSheetRow[] = [];

	for (const [i, { n, values }] of raw.entries()) {
		for (const message of unnamed(n, values)) errors.push({ row: n, column: null, message });
		const r = reader.read(n, values);
		if (r.idNumber !== null) {
			const first = idRows.get(r.idNumber);
			if (first !== undefined) {
				errors.push({ row: n, column: '身份证号', message: `第${n}行“身份证号”与第${first}行重复（同一人只能填写一行）` });
				r.person = null;
			} else idRows.set(r.idNumber, n);
		}
		if (r.mobile !== null) {
			const first = mobileRows.get(r.mobile);
			if (first !== undefined) {
				errors.push({ row: n, column: '手机号', message: `第${n}行“手机号”与第${first}行重复（每人须使用自己的手机号）` });
				r.person = null;
			} else mobileRows.set(r.mobile, n);
		}
		rows.push(r);

		await progressPause(i + 1, raw.length, PROGRESS_EVERY, options.onProgress);
	}
	options.onProgress?.(raw.length, raw.length);
	return { readable: true, rows, errors };
}
