import { describe, expect, it } from 'vitest';
import { buildZip, deflatedEntry, deflatedZeros, honestBomb, lyingBomb, manyEntries } from '../../../../tests/support/zip-bomb.ts';
import { buildStaffTemplateXlsx, parseStaffXlsx } from '../people/staff-excel.ts';
import { buildTemplateXlsx, parseQuestionsXlsx } from '../question-bank/excel.ts';
import { checkXlsxArchive, NOT_XLSX, ZIP_LIMITS } from './zip-guard.ts';

const OPS = [{ code: 'T1', category: '电工作业', item: '低压电工作业' }];

function rss(): number {
	return process.memoryUsage().rss;
}

describe('zip guard before every Excel import', () => {
	it('lets real workbooks through', async () => {
		for (const buf of [await buildStaffTemplateXlsx(OPS), await buildTemplateXlsx()]) {
			const r = await checkXlsxArchive(buf);
			expect(r.ok, JSON.stringify(r)).toBe(true);
		}
	});

	it('refuses 1 GB of zeros declared in the directory, without inflating it', async () => {
		const bomb = await honestBomb();
		const t = Date.now();
		const r = await checkXlsxArchive(bomb);
		expect(Date.now() - t).toBeLessThan(200);
		expect(r).toEqual({ ok: false, message: expect.stringMatching(/解压后超过 200 MB/) });
	});

	it('refuses a ratio that only a bomb has, under the total limit', async () => {
		const data = await deflatedZeros(50 * 1024 * 1024);
		const r = await checkXlsxArchive(buildZip([{ name: 'xl/sharedStrings.xml', data, uncompressed: 50 * 1024 * 1024 }]));
		expect(r).toEqual({ ok: false, message: expect.stringMatching(/“xl\/sharedStrings.xml”的压缩比异常（\d+ 倍），疑似压缩炸弹/) });
	});

	it('refuses an entry that inflates to more than it declared, with bounded memory', async () => {
		const bomb = await lyingBomb();
		global.gc?.();
		const before = rss();
		let peak = before;
		const timer = setInterval(() => (peak = Math.max(peak, rss())), 5);
		const r = await checkXlsxArchive(bomb);
		clearInterval(timer);
		expect(r).toEqual({ ok: false, message: expect.stringMatching(/“xl\/worksheets\/sheet1.xml”解压后的大小与声明不符/) });
		expect(peak - before).toBeLessThan(64 * 1024 * 1024);
	});

	it('refuses 100,000 entries from the directory count', async () => {
		const r = await checkXlsxArchive(manyEntries());
		expect(r).toEqual({ ok: false, message: expect.stringMatching(/压缩包内有 \d+ 个文件，超过上限 2000 个/) });
		expect((await checkXlsxArchive(manyEntries(ZIP_LIMITS.maxEntries + 1))).ok).toBe(false);
	});

	it('refuses encrypted, truncated and non-zip data', async () => {
		const enc = buildZip([deflatedEntry('a.xml', '<a/>')]);
		enc.writeUInt16LE(1, enc.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 8);
		expect(await checkXlsxArchive(enc)).toEqual({ ok: false, message: expect.stringContaining('文件已加密') });
		const good = await buildTemplateXlsx();
		expect(await checkXlsxArchive(good.subarray(0, good.length - 30))).toEqual({ ok: false, message: NOT_XLSX });
		expect(await checkXlsxArchive(Buffer.from('PK not really a zip at all, just text'))).toEqual({ ok: false, message: NOT_XLSX });
	});

	it('is what both imports answer with (staff and question bank)', async () => {
		const bomb = await lyingBomb(64 * 1024 * 1024);
		const staff = await parseStaffXlsx(bomb, { specialOperations: OPS, now: new Date('2026-11-26T02:00:00Z') });
		expect(JSON.stringify(staff)).toContain('解压后的大小与声明不符');
		const questions = await parseQuestionsXlsx(bomb);
		expect(JSON.stringify(questions)).toContain('解压后的大小与声明不符');
	});
});
