import ExcelJS from 'exceljs';
import { checkXlsxArchive, NOT_XLSX } from './zip-guard.ts';
import { stripNeutralisingPrefix } from './safe-cells.ts';

// Reading uploaded .xlsx files: shared by the question-bank and staff imports.

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

/**
 * Maps the header row (row 1) to known columns: unknown, duplicate and missing required
 * columns are reported by name. `names` maps every accepted spelling to its column.
 */
export function readHeader<C extends string>(
	ws: ExcelJS.Worksheet,
	spec: { names: [string, C][]; required: readonly C[]; ignored?: ReadonlySet<string>; unknownHint?: string }
): Header<C> {
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
