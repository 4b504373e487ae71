import ExcelJS from 'exceljs';
import { PassThrough, Readable } from 'node:stream';
import { once } from 'node:events';
import { neutraliseRow, neutraliseText } from '../excel/safe-cells.ts';

// Any table to .xlsx, streamed: rows are committed to the zip as they come (exceljs
// WorkbookWriter), so memory stays flat however many rows a keyset-paged query yields.

export type XlsxColumn = { header: string; width?: number };

export function streamXlsx(sheetName: string, columns: XlsxColumn[], rows: AsyncIterable<(string | number | null)[]>): ReadableStream<Uint8Array> {
	const out = new PassThrough();
	const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
	const sheet = workbook.addWorksheet(sheetName.slice(0, 31));
	sheet.columns = columns.map((c, i) => ({ header: neutraliseText(c.header), key: `c${i}`, width: c.width ?? 16 }));
	void (async () => {
		try {
			let n = 0;
			for await (const row of rows) {
				sheet.addRow(neutraliseRow(row)).commit();
				// backpressure: stop adding rows while the reader is behind
				if (++n % 500 === 0) {
					await new Promise((resolve) => setImmediate(resolve));
					if (out.writableNeedDrain) await once(out, 'drain');
				}
			}
			sheet.commit();
			await workbook.commit();
		} catch (e) {
			out.destroy(e as Error);
		}
	})();
	return Readable.toWeb(out) as unknown as ReadableStream<Uint8Array>;
}

/** Keyset pages of a query as one row stream. */
export async function* pagedRows<R>(fetchPage: (after: R | null) => Promise<R[]>, toCells: (r: R) => (string | number | null)[]): AsyncIterable<(string | number | null)[]> {
	let last: R | null = null;
	for (;;) {
		const page = await fetchPage(last);
		for (const r of page) yield toCells(r);
		if (page.length === 0) return;
		last = page[page.length - 1]!;
	}
}

export function xlsxResponse(body: ReadableStream<Uint8Array>, filename: string): Response {
	return new Response(body, {
		headers: {
			'content-type': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
			'content-disposition': `attachment; filename="export.xlsx"; filename*=UTF-8''${encodeURIComponent(filename)}`,
			'cache-control': 'private, no-store'
		}
	});
}
