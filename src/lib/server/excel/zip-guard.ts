import { createInflateRaw } from 'node:zlib';

// An .xlsx is a zip archive. Before any library unpacks one we read its central directory and
// refuse archives whose entry count, declared sizes or compression ratios are not those of a
// spreadsheet, then inflate every entry with a byte counter (output discarded) so that a header
// that lies about its sizes cannot make the server allocate more than the declared total.

export const ZIP_LIMITS = {
	/** An Excel workbook has a few dozen parts; thousands of images would still fit. */
	maxEntries: 2_000,
	/** Uncompressed total: a 50,000-row staff sheet is about 60 MB of XML. */
	maxTotalBytes: 200 * 1024 * 1024,
	/** Sheet XML compresses 10–50×, very repetitive sheets up to ~150×; a bomb reaches 1000×. */
	maxRatio: 200,
	/** Entries smaller than this may have any ratio (tiny parts compress oddly). */
	ratioFloorBytes: 1024 * 1024
} as const;

export type ZipCheck = { ok: true; entries: number; totalBytes: number } | { ok: false; message: string };

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

function megabytes(n: number): string {
	return `${(n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}

type Refusal = { ok: false; message: string };

export const NOT_XLSX = '不是有效的 Excel（.xlsx）文件';

/** A damaged or non-zip file: the same answer a file exceljs cannot read gets. */
function broken(): Refusal {
	return { ok: false, message: NOT_XLSX };
}

function refuse(why: string): Refusal {
	return { ok: false, message: `文件不能作为 Excel（.xlsx）导入：${why}` };
}

type Entry = { name: string; method: number; flags: number; compressed: number; uncompressed: number; offset: number };

function findEndOfCentralDirectory(buf: Buffer): number {
	const stop = Math.max(0, buf.length - 22 - 0xffff);
	for (let i = buf.length - 22; i >= stop; i--) if (buf.readUInt32LE(i) === EOCD) return i;
	return -1;
}

/** The central directory's entries, or the reason the archive is refused, from the directory alone. */
export function readCentralDirectory(buf: Buffer, limits = ZIP_LIMITS): { ok: true; entries: Entry[] } | Refusal {
	if (buf.length < 22) return broken();
	const eocd = findEndOfCentralDirectory(buf);
	if (eocd < 0) return broken();
	if (eocd >= 20 && buf.readUInt32LE(eocd - 20) === ZIP64_LOCATOR) return refuse('使用了 ZIP64 大文件格式，Excel 表格不需要');
	const count = buf.readUInt16LE(eocd + 10);
	const dirSize = buf.readUInt32LE(eocd + 12);
	const dirOffset = buf.readUInt32LE(eocd + 16);
	if (count > limits.maxEntries) return refuse(`压缩包内有 ${count} 个文件，超过上限 ${limits.maxEntries} 个`);
	if (count === 0xffff || dirOffset === 0xffffffff) return refuse('使用了 ZIP64 大文件格式，Excel 表格不需要');
	if (dirOffset + dirSize > eocd) return broken();
	const entries: Entry[] = [];
	let p = dirOffset;
	let total = 0;
	for (let i = 0; i < count; i++) {
		if (p + 46 > eocd || buf.readUInt32LE(p) !== CENTRAL) return broken();
		const flags = buf.readUInt16LE(p + 8);
		const method = buf.readUInt16LE(p + 10);
		const compressed = buf.readUInt32LE(p + 20);
		const uncompressed = buf.readUInt32LE(p + 24);
		const nameLength = buf.readUInt16LE(p + 28);
		const extraLength = buf.readUInt16LE(p + 30);
		const commentLength = buf.readUInt16LE(p + 32);
		const offset = buf.readUInt32LE(p + 42);
		const name = buf.toString('utf8', p + 46, Math.min(p + 46 + nameLength, eocd));
		p += 46 + nameLength + extraLength + commentLength;
		if (compressed === 0xffffffff || uncompressed === 0xffffffff || offset === 0xffffffff) return refuse('使用了 ZIP64 大文件格式，Excel 表格不需要');
		if (flags & 1) return refuse('文件已加密，请在 Excel 中取消密码后再导入');
		if (method !== 0 && method !== 8) return refuse('使用了不支持的压缩方式');
		if (method === 0 && compressed !== uncompressed) return broken();
		total += uncompressed;
		if (total > limits.maxTotalBytes) return refuse(`解压后超过 ${megabytes(limits.maxTotalBytes)}，请拆分后导入`);
		if (uncompressed > limits.ratioFloorBytes && uncompressed > Math.max(compressed, 1) * limits.maxRatio) {
			return refuse(`其中“${name.slice(0, 60)}”的压缩比异常（${Math.round(uncompressed / Math.max(compressed, 1))} 倍），疑似压缩炸弹`);
		}
		entries.push({ name, method, flags, compressed, uncompressed, offset });
	}
	return { ok: true, entries };
}

/** Inflates one entry, discarding the output, and fails as soon as it yields more than it declared. */
function inflateWithinDeclared(data: Buffer, declared: number): Promise<boolean> {
	return new Promise((resolve) => {
		const inflate = createInflateRaw();
		let produced = 0;
		let settled = false;
		const settle = (ok: boolean) => {
			if (settled) return;
			settled = true;
			inflate.destroy();
			resolve(ok);
		};
		inflate.on('data', (chunk: Buffer) => {
			produced += chunk.length;
			if (produced > declared) settle(false);
		});
		inflate.on('error', () => settle(false));
		inflate.on('end', () => settle(produced === declared));
		// Fed in slices so the event loop (and /healthz) keeps running while a large entry inflates.
		const SLICE = 64 * 1024;
		let at = 0;
		const feed = () => {
			while (!settled && at < data.length) {
				const slice = data.subarray(at, at + SLICE);
				at += SLICE;
				if (!inflate.write(slice)) return void inflate.once('drain', feed);
			}
			if (!settled) inflate.end();
		};
		feed();
	});
}

/**
 * Checks an .xlsx (zip) before it is parsed: the directory's counts, sizes and ratios, then the
 * real uncompressed size of every entry against what the directory declared.
 */
export async function checkXlsxArchive(buf: Buffer, limits = ZIP_LIMITS): Promise<ZipCheck> {
	const dir = readCentralDirectory(buf, limits);
	if (!dir.ok) return dir;
	let total = 0;
	for (const e of dir.entries) {
		if (e.offset + 30 > buf.length || buf.readUInt32LE(e.offset) !== LOCAL) return broken();
		const start = e.offset + 30 + buf.readUInt16LE(e.offset + 26) + buf.readUInt16LE(e.offset + 28);
		if (start + e.compressed > buf.length) return broken();
		if (e.method === 8 && !(await inflateWithinDeclared(buf.subarray(start, start + e.compressed), e.uncompressed))) {
			return refuse(`其中“${e.name.slice(0, 60)}”解压后的大小与声明不符，疑似恶意文件`);
		}
		total += e.uncompressed;
	}
	return { ok: true, entries: dir.entries.length, totalBytes: total };
}
