import type ExcelJS from 'exceljs';

// Spreadsheet formula injection (OWASP "CSV Injection"): a text cell that begins with
// = + - @ tab or carriage return can be run as a formula when a user opens or edits the
// file. Every export goes through writeXlsxBuffer / neutraliseRow, which prefix such text
// with a single quote; numbers, dates and booleans stay typed values. The importers
// (readCell in sheet.ts) drop that one prefix again, so export → import round-trips.

const DANGEROUS_START = /^[=+\-@\t\r]/;
export const NEUTRALISING_PREFIX = "'";

export function neutraliseText(text: string): string {
	return DANGEROUS_START.test(text) ? NEUTRALISING_PREFIX + text : text;
}

/** Undoes neutraliseText on text read back from a file this platform wrote (a CR is read back as LF). */
export function stripNeutralisingPrefix(text: string): string {
	return text.startsWith(NEUTRALISING_PREFIX) && /^[=+\-@\t\r\n]/.test(text.slice(1)) ? text.slice(1) : text;
}

export function neutraliseValue<V>(value: V): V {
	if (typeof value === 'string') return neutraliseText(value) as V;
	if (value && typeof value === 'object') {
		const o = value as Record<string, unknown>;
		// Formulas are ours (none today); rich text and hyperlinks carry text runs.
		if (Array.isArray(o.richText)) {
			const runs = o.richText as { text?: unknown }[];
			if (runs.length && typeof runs[0]!.text === 'string') return { ...o, richText: [{ ...runs[0], text: neutraliseText(runs[0]!.text) }, ...runs.slice(1)] } as V;
		}
		if (typeof o.text === 'string' && 'hyperlink' in o) return { ...o, text: neutraliseText(o.text) } as V;
	}
	return value;
}

export function neutraliseRow<V>(row: V[]): V[] {
	return row.map(neutraliseValue);
}

/** Neutralises every text cell of every sheet, then writes the workbook: the only way exports write .xlsx. */
export async function writeXlsxBuffer(wb: ExcelJS.Workbook): Promise<Buffer> {
	wb.eachSheet((ws) => {
		ws.eachRow({ includeEmpty: false }, (row) => {
			row.eachCell({ includeEmpty: false }, (cell) => {
				const safe = neutraliseValue(cell.value);
				if (safe !== cell.value) cell.value = safe;
			});
		});
	});
	const out = await wb.xlsx.writeBuffer();
	return Buffer.isBuffer(out) ? out : Buffer.from(out as ArrayBuffer);
}
