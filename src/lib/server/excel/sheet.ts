import ExcelJS from 'exceljs';
import { checkXlsxArchive, NOT_XLSX } from './zip-guard.ts';
import { stripNeutralisingPrefix } from './safe-cells.ts';

// Reading uploaded .xlsx files: shared by the question-bank, staff and enterprise directory imports.

export type RowError = { row: number | null; column: string | null; message: string };

export type Cell =
	| { kind: 'empty' }
	| { kind: 'text'; text: string }
	| { kind: 'number'; value: number }
	| { kind: 'boolean'; value: boolean }
	| { kind: 'date'; value: Date }
	| { kind: 'error'; code: string }
	| { kind: 'formula' };

export const EMPTY: Cell = { kind: 'empty' };
export { NOT_XLSX };

function textCell(s: string): Cell {
	const text = stripNeutralisingPrefix(s).replace(/\r\n?/g, '\n').trim();
	return text ? { kind: 'text', text } : EMPTY;
}

/** Normalises an exceljs cell value: rich text, hyperlinks and formula results become their text/value. */
export function readCell(v: unknown): Cell {
	if (v === null || v === undefined) return EMPTY;
	if (typeof v === 'string') return textCell(v);
	if (typeof v === 'number') return Number.isFinite(v) ? { kind: 'number', value: v } : { kind: 'error', code: String(v) };
	if (typeof v === 'boolean') return { kind: 'boolean', value: v };
	if (v instanceof Date) return Number.isNaN(v.getTime()) ? { kind: 'error', code: '#VALUE!' } : { kind: 'date', value: v };
	if (typeof v === 'object') {
		const o = v as Record<string, unknown>;
		if (Array.isArray(o.richText)) return textCell(o.richText.map((r: { text?: unknown }) => (typeof r?.text === 'string' ? r.text : '')).join(''));
		if ('formula' in o || 'sharedFormula' in o) return 'result' in o && o.result !== undefined ? readCell(o.result) : { kind: 'formula' };
		if ('hyperlink' in o || 'text' in o) return readCell(o.text);
		if (typeof o.error === 'string') return { kind: 'error', code: o.error };
	}
	return EMPTY;
}

/** Which numbers a text column accepts as their digits: none, whole numbers only, or any. */
export type NumbersAsText = 'none' | 'integer' | 'any';

/**
 * A cell read as text, the one switch both imports use: '' when empty, a number's digits where
 * `numbers` allows, otherwise the message (without row and column) saying why it is not text.
 */
export function cellText(c: Cell, numbers: NumbersAsText = 'none'): { text: string } | { error: string } {
	switch (c.kind) {
		case 'text':
			return { text: c.text };
		case 'empty':
			return { text: '' };
		case 'number':
			if (numbers === 'any' || (numbers === 'integer' && Number.isSafeInteger(c.value))) return { text: String(c.value) };
			return { error: `应为文字，当前是数字 ${c.value}` };
		case 'boolean':
			return { error: `应为文字，当前是逻辑值 ${c.value ? 'TRUE' : 'FALSE'}` };
		case 'date':
			return { error: '应为文字，当前是日期' };
		case 'error':
			return { error: `单元格是错误值 ${c.code}` };
		case 'formula':
			return { error: '是没有计算结果的公式，请在 Excel 中打开并保存后重试，或改为直接填写内容' };
	}
}

export function columnLetter(n: number): string {
	let s = '';
	for (; n > 0; n = Math.floor((n - 1) / 26)) s = String.fromCharCode(65 + ((n - 1) % 26)) + s;
	return s;
}

export function normaliseHeader(s: string): string {
	return s.normalize('NFKC').replace(/[\s*＊]/g, '');
}

export function snippet(s: string, max = 20): string {
	const chars = [...s];
	return chars.length > max ? `${chars.slice(0, max).join('')}…` : s;
}

export function isBlankRow(values: unknown[]): boolean {
	for (let c = 1; c < values.length; c++) if (readCell(values[c]).kind !== 'empty') return false;
	return true;
}

export function toBufferView(data: Uint8Array | Buffer): Buffer {
	return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export type Header<C extends string> = { index: Map<C, number>; errors: RowError[] };
export type HeaderSpec<C extends string> = { names: [string, C][]; required: readonly C[]; ignored?: ReadonlySet<string>; unknownHint?: string };

/**
 * Maps the header row (row 1) to known columns: unknown, duplicate and missing required
 * columns are reported by name. `names` maps every accepted spelling to its column.
 */
export function readHeader<C extends string>(ws: ExcelJS.Worksheet, spec: HeaderSpec<C>): Header<C> {
	const index = new Map<C, number>();
	const errors: RowError[] = [];
	const known = new Map<string, C>(spec.names.map(([name, col]) => [normaliseHeader(name), col]));
	const values = ws.getRow(1).values as unknown[];
	for (let c = 1; c < values.length; c++) {
		const cell = readCell(values[c]);
		if (cell.kind === 'empty') continue;
		const raw = cell.kind === 'text' ? cell.text : cell.kind === 'number' || cell.kind === 'boolean' ? String(cell.value) : '';
		if (spec.ignored?.has(normaliseHeader(raw))) continue;
		const col = known.get(normaliseHeader(raw));
		if (!col) {
			const label = raw || `（${cell.kind === 'date' ? '日期' : '公式或错误值'}）`;
			errors.push({ row: 1, column: label, message: `表头（第1行）第${columnLetter(c)}列“${snippet(label)}”不是可识别的列名${spec.unknownHint ?? ''}` });
		} else if (index.has(col)) {
			errors.push({ row: 1, column: col, message: `表头（第1行）“${col}”列出现了两次（第${columnLetter(index.get(col)!)}列和第${columnLetter(c)}列）` });
		} else {
			index.set(col, c);
		}
	}
	for (const col of spec.required) {
		if (!index.has(col)) errors.push({ row: 1, column: col, message: `表头（第1行）缺少“${col}”列` });
	}
	return { index, errors };
}

/**
 * The one way an uploaded .xlsx is opened, for every Excel import: the archive is checked
 * (entry count, declared and real uncompressed sizes, ratios) before exceljs unpacks it.
 */
export async function loadWorkbook(buf: Buffer): Promise<{ ok: true; workbook: ExcelJS.Workbook } | { ok: false; message: string }> {
	const archive = await checkXlsxArchive(buf);
	if (!archive.ok) return archive;
	const workbook = new ExcelJS.Workbook();
	try {
		// exceljs types load() as taking an ArrayBuffer-like; at runtime it takes a Node Buffer as is.
		await workbook.xlsx.load(buf as unknown as ArrayBuffer);
	} catch {
		return { ok: false, message: NOT_XLSX };
	}
	return { ok: true, workbook };
}

/** A non-blank data row: its Excel row number (header = 1) and exceljs' 1-based cell values. */
export type DataRow = { n: number; values: unknown[] };

/** What differs between the imports that read one sheet of rows under a header. */
export type ImportSheetSpec<C extends string> = {
	/** The sheet to read, out of the workbook's sheets (there is at least one). */
	pickSheet: (sheets: ExcelJS.Worksheet[]) => ExcelJS.Worksheet;
	header: HeaderSpec<C>;
	/** The whole message when the sheet has no data row. */
	noData: string;
	maxRows: number;
	/** What a row holds and how to split the file, in “文件有 N 行<rowsOf>，超过单次导入上限 M 行，<split>”. */
	rowsOf: string;
	split: string;
	/** The advice after “不是有效的 Excel 文件：可能是旧版 .xls 文件或设置了打开密码，”. */
	oldFormatAdvice?: string;
};

export type ImportSheet<C extends string> =
	| { ok: true; ws: ExcelJS.Worksheet; header: Map<C, number>; rows: DataRow[] }
	| { ok: false; errors: RowError[] };

const OLE_SIGNATURE = Buffer.from([0xd0, 0xcf, 0x11, 0xe0]);

/**
 * The one way an import opens its upload: not empty, not an old .xls (OLE) or password-protected
 * file, a zip, a workbook with sheets (via loadWorkbook); then the chosen sheet's header and its
 * non-blank data rows, at least one and at most `maxRows`. Never throws for bad input.
 */
export async function readImportSheet<C extends string>(data: Uint8Array | Buffer, spec: ImportSheetSpec<C>): Promise<ImportSheet<C>> {
	const fail = (message: string): ImportSheet<C> => ({ ok: false, errors: [{ row: null, column: null, message }] });
	if (data.byteLength === 0) return fail('文件是空的');
	const buf = toBufferView(data);
	if (buf.subarray(0, 4).equals(OLE_SIGNATURE)) {
		return fail(`${NOT_XLSX}：可能是旧版 .xls 文件或设置了打开密码，${spec.oldFormatAdvice ?? '请在 Excel 中另存为 .xlsx（并取消密码）后再导入'}`);
	}
	if (buf[0] !== 0x50 || buf[1] !== 0x4b) return fail(NOT_XLSX); // not a zip archive

	const loaded = await loadWorkbook(buf);
	if (!loaded.ok) return fail(loaded.message);
	const sheets = loaded.workbook.worksheets;
	if (sheets.length === 0) return fail(NOT_XLSX); // a zip, but no workbook in it

	const ws = spec.pickSheet(sheets);
	if (ws.actualRowCount === 0) return fail(spec.noData);

	const header = readHeader(ws, spec.header);
	if (header.errors.length) return { ok: false, errors: header.errors };

	const rows: DataRow[] = [];
	ws.eachRow((row, n) => {
		if (n === 1) return;
		const values = row.values as unknown[];
		if (!isBlankRow(values)) rows.push({ n, values });
	});
	if (rows.length === 0) return fail(spec.noData);
	if (rows.length > spec.maxRows) return fail(`文件有 ${rows.length} 行${spec.rowsOf}，超过单次导入上限 ${spec.maxRows} 行，${spec.split}`);
	return { ok: true, ws, header: header.index, rows };
}

/**
 * Content in a column whose header cell is empty is reported once, at the first row that has
 * some. Returns, for each data row in order, the messages of the columns first seen in it.
 */
export function unnamedColumns(ws: ExcelJS.Worksheet): (n: number, values: unknown[]) => string[] {
	const headerValues = ws.getRow(1).values as unknown[];
	const named = new Set<number>();
	for (let c = 1; c < headerValues.length; c++) if (readCell(headerValues[c]).kind !== 'empty') named.add(c);
	const reported = new Set<number>();
	return (n, values) => {
		const messages: string[] = [];
		for (let c = 1; c < values.length; c++) {
			if (!named.has(c) && !reported.has(c) && readCell(values[c]).kind !== 'empty') {
				reported.add(c);
				messages.push(`第${columnLetter(c)}列没有列名，但第${n}行起有内容；请填写列名或删除该列`);
			}
		}
		return messages;
	};
}

/**
 * After every `every` rows (but not the last) of a long import: tells `onProgress` and lets
 * other requests run. The caller reports (total, total) itself at the end.
 */
export async function progressPause(done: number, total: number, every: number, onProgress?: (done: number, total: number) => void): Promise<void> {
	if (done % every !== 0 || done >= total) return;
	onProgress?.(done, total);
	await new Promise<void>((resolve) => setImmediate(resolve));
}

/** Row errors listed before the rest are summarised in one final entry. */
export const MAX_LISTED_ERRORS = 500;

/** Sorted by row and then by the order of `columns`; at most MAX_LISTED_ERRORS, then one entry saying how many more. */
export function listRowErrors(errors: RowError[], columns: readonly string[]): RowError[] {
	const order = new Map<string, number>(columns.map((c, i) => [c, i]));
	const sorted = [...errors].sort((a, b) => (a.row ?? 0) - (b.row ?? 0) || (order.get(a.column ?? '') ?? 99) - (order.get(b.column ?? '') ?? 99));
	if (sorted.length <= MAX_LISTED_ERRORS) return sorted;
	const badRows = new Set(sorted.map((e) => e.row)).size;
	return [...sorted.slice(0, MAX_LISTED_ERRORS), { row: null, column: null, message: `还有 ${sorted.length - MAX_LISTED_ERRORS} 处错误未列出（共 ${badRows} 行有问题），请先修改以上各行后重新导入` }];
}
