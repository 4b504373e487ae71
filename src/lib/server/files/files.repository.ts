import { sql } from 'kysely';
import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';

// All SQL for stored files. A file is one `files` row and its content in `file_chunks` rows
// of CHUNK_BYTES each, so that a range request reads only the chunks it overlaps.

export const CHUNK_BYTES = 256 * 1024;
/** Chunks per INSERT statement: 4 MiB, well inside PostgreSQL's and the drivers' limits. */
const INSERT_BATCH = 16;

export type StoredFile = {
	id: number;
	ownerOrgId: number | null;
	name: string;
	mime: string;
	sizeBytes: number;
	chunkBytes: number;
	sha256: string;
	createdBy: number | null;
	createdAt: Date;
};

type FileRow = { id: number; owner_org_id: number | null; name: string; mime: string; size_bytes: number; chunk_bytes: number; sha256: string; created_by: number | null; created_at: Date };

function toStoredFile(r: FileRow): StoredFile {
	return {
		id: r.id,
		ownerOrgId: r.owner_org_id,
		name: r.name,
		mime: r.mime,
		sizeBytes: Number(r.size_bytes),
		chunkBytes: r.chunk_bytes,
		sha256: r.sha256,
		createdBy: r.created_by,
		createdAt: r.created_at
	};
}

export type FileContent = Uint8Array | Blob;

function sizeOf(data: FileContent): number {
	return data instanceof Uint8Array ? data.byteLength : data.size;
}

async function sliceOf(data: FileContent, start: number, end: number): Promise<Uint8Array> {
	return data instanceof Uint8Array ? data.subarray(start, end) : new Uint8Array(await data.slice(start, end).arrayBuffer());
}

// Bytes travel as base64 text, decoded and encoded by the server: PGlite's own bytea
// conversion runs byte by byte in JavaScript (about 3 s per 10 MB each way), base64 is native
// on both ends, and on a PostgreSQL server it is smaller on the wire than bytea's hex text.
function base64Of(bytes: Uint8Array): string {
	return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export async function hashContent(data: FileContent): Promise<string> {
	const hash = createHash('sha256');
	if (data instanceof Uint8Array) hash.update(data);
	else for (let at = 0; at < data.size; at += CHUNK_BYTES * INSERT_BATCH) hash.update(await sliceOf(data, at, at + CHUNK_BYTES * INSERT_BATCH));
	return hash.digest('hex');
}

export type NewFile = { ownerOrgId: number | null; name: string; mime: string; data: FileContent; createdBy: number | null; now: Date };

/** Stores a file and its chunks. Joins the caller's transaction, else opens one (never half a file). */
export async function saveFile(db: Db, input: NewFile): Promise<StoredFile> {
	const size = sizeOf(input.data);
	const sha256 = await hashContent(input.data);
	return withTransaction(db, async (tx) => {
		const row = await tx
			.insertInto('files')
			.values({ owner_org_id: input.ownerOrgId, name: input.name, mime: input.mime, size_bytes: size, chunk_bytes: CHUNK_BYTES, sha256, created_by: input.createdBy, created_at: input.now })
			.returningAll()
			.executeTakeFirstOrThrow();
		const chunks = Math.ceil(size / CHUNK_BYTES);
		for (let first = 0; first < chunks; first += INSERT_BATCH) {
			const rows = [];
			for (let seq = first; seq < Math.min(chunks, first + INSERT_BATCH); seq++) {
				const bytes = await sliceOf(input.data, seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES);
				rows.push({ file_id: row.id, seq, data: sql<Uint8Array>`decode(${base64Of(bytes)}, 'base64')` });
			}
			await tx.insertInto('file_chunks').values(rows).execute();
		}
		return toStoredFile(row);
	});
}

export async function getFile(db: Db, id: number): Promise<StoredFile | undefined> {
	const row = await db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst();
	return row && toStoredFile(row);
}

/** The same content already stored for this owner (the course seed stores shared media once). */
export async function findFileByHash(db: Db, ownerOrgId: number | null, sha256: string, size: number): Promise<StoredFile | undefined> {
	const row = await db
		.selectFrom('files')
		.selectAll()
		.where('sha256', '=', sha256)
		.where('size_bytes', '=', size)
		.where((eb) => (ownerOrgId === null ? eb('owner_org_id', 'is', null) : eb('owner_org_id', '=', ownerOrgId)))
		.orderBy('id')
		.limit(1)
		.executeTakeFirst();
	return row && toStoredFile(row);
}

/**
 * Bytes start..endInclusive of a file, reading only the chunks that overlap them and only the
 * overlapping part of each. A range past the end of the file returns what there is.
 */
export async function readFileRange(db: Db, id: number, start: number, endInclusive: number): Promise<Uint8Array> {
	if (!Number.isSafeInteger(start) || !Number.isSafeInteger(endInclusive) || start < 0 || endInclusive < start) return new Uint8Array(0);
	const s = sql<number>`${start}::bigint`;
	const e = sql<number>`${endInclusive}::bigint`;
	// offsets of the wanted bytes inside chunk c, 0-based: from greatest(s - base, 0) to least(e - base, chunk_bytes - 1)
	const base = sql<number>`(c.seq::bigint * f.chunk_bytes)`;
	const from = sql<number>`greatest(${s} - ${base}, 0)`;
	const to = sql<number>`least(${e} - ${base}, f.chunk_bytes - 1)`;
	const rows = await db
		.selectFrom('file_chunks as c')
		.innerJoin('files as f', 'f.id', 'c.file_id')
		.select(['c.seq', sql<string>`encode(substring(c.data from (${from} + 1)::integer for (${to} - ${from} + 1)::integer), 'base64')`.as('data')])
		.where('c.file_id', '=', id)
		.where(sql<boolean>`c.seq between ${s} / f.chunk_bytes and ${e} / f.chunk_bytes`)
		.orderBy('c.seq')
		.execute();
	// PostgreSQL breaks base64 lines every 76 characters; Node's decoder skips the newlines.
	const parts = rows.map((r) => Buffer.from(r.data, 'base64'));
	return Buffer.concat(parts);
}
