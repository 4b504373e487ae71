import { createDeflateRaw, deflateRawSync } from 'node:zlib';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Hand-built zip archives named .xlsx for the upload guards: a deflated run of zeros of any
// size (built in slices, never held uncompressed), many entries, and sizes that lie.

export type ZipEntry = { name: string; data: Buffer; method?: 0 | 8; uncompressed: number; declaredUncompressed?: number };

const made = new Map<number, Promise<Buffer>>();

/** Deflates `size` zero bytes without allocating them at once (cached: 1 GB takes seconds). */
export function deflatedZeros(size: number): Promise<Buffer> {
	let p = made.get(size);
	if (!p) {
		const file = join(tmpdir(), `anxun-zeros-${size}.deflate`);
		p = existsSync(file) ? Promise.resolve(readFileSync(file)) : deflateZeros(size).then((b) => (writeFileSync(file, b), b));
		made.set(size, p);
	}
	return p;
}

async function deflateZeros(size: number): Promise<Buffer> {
	const deflate = createDeflateRaw({ level: 9 });
	const out: Buffer[] = [];
	deflate.on('data', (c: Buffer) => out.push(c));
	const done = new Promise((r) => deflate.on('end', r));
	const slice = Buffer.alloc(1024 * 1024);
	for (let left = size; left > 0; left -= slice.length) {
		if (!deflate.write(left >= slice.length ? slice : slice.subarray(0, left))) await new Promise((r) => deflate.once('drain', r));
	}
	deflate.end();
	await done;
	return Buffer.concat(out);
}

export function deflatedEntry(name: string, content: string | Buffer): ZipEntry {
	const raw = Buffer.isBuffer(content) ? content : Buffer.from(content);
	return { name, data: deflateRawSync(raw), method: 8, uncompressed: raw.length };
}

/** A zip archive of the entries (CRC left 0: the guard refuses before anything checks it). */
export function buildZip(entries: ZipEntry[]): Buffer {
	const locals: Buffer[] = [];
	const centrals: Buffer[] = [];
	let offset = 0;
	for (const e of entries) {
		const name = Buffer.from(e.name);
		const size = e.declaredUncompressed ?? e.uncompressed;
		const local = Buffer.alloc(30);
		local.writeUInt32LE(0x04034b50, 0);
		local.writeUInt16LE(20, 4);
		local.writeUInt16LE(e.method ?? 8, 8);
		local.writeUInt32LE(e.data.length, 18);
		local.writeUInt32LE(size, 22);
		local.writeUInt16LE(name.length, 26);
		locals.push(local, name, e.data);
		const central = Buffer.alloc(46);
		central.writeUInt32LE(0x02014b50, 0);
		central.writeUInt16LE(20, 4);
		central.writeUInt16LE(20, 6);
		central.writeUInt16LE(e.method ?? 8, 10);
		central.writeUInt32LE(e.data.length, 20);
		central.writeUInt32LE(size, 24);
		central.writeUInt16LE(name.length, 28);
		central.writeUInt32LE(offset, 42);
		centrals.push(central, name);
		offset += 30 + name.length + e.data.length;
	}
	const dir = Buffer.concat(centrals);
	const eocd = Buffer.alloc(22);
	eocd.writeUInt32LE(0x06054b50, 0);
	eocd.writeUInt16LE(entries.length & 0xffff, 8);
	eocd.writeUInt16LE(entries.length & 0xffff, 10);
	eocd.writeUInt32LE(dir.length, 12);
	eocd.writeUInt32LE(offset, 16);
	return Buffer.concat([...locals, dir, eocd]);
}

/** 1 GB of zeros in one entry, declared honestly (refused by the directory check). */
export async function honestBomb(size = 1024 * 1024 * 1024): Promise<Buffer> {
	return buildZip([deflatedEntry('[Content_Types].xml', '<Types/>'), { name: 'xl/worksheets/sheet1.xml', data: await deflatedZeros(size), uncompressed: size }]);
}

/** The same, but the directory claims 1 KB: only inflating with a counter finds it. */
export async function lyingBomb(size = 1024 * 1024 * 1024): Promise<Buffer> {
	return buildZip([deflatedEntry('[Content_Types].xml', '<Types/>'), { name: 'xl/worksheets/sheet1.xml', data: await deflatedZeros(size), uncompressed: size, declaredUncompressed: 1024 }]);
}

/** 100,000 tiny entries. */
export function manyEntries(count = 100_000): Buffer {
	const empty = deflateRawSync(Buffer.alloc(0));
	return buildZip(Array.from({ length: count }, (_, i) => ({ name: `x/${i}.xml`, data: empty, uncompressed: 0 })));
}
