import { createHash } from 'node:crypto';

// One backup file: a format line, the manifest as one line of JSON, then the dump bytes.
// The manifest is readable with `head -2 <file>`; the checksum covers the dump bytes.
export const FORMAT_LINE = 'ANXUN-BACKUP/1';

export type BackupManifest = {
	format: typeof FORMAT_LINE;
	backend: 'postgres' | 'pglite';
	/** pg_dump --format=custom, or PGlite's dumpDataDir (a tar of the data directory) */
	dump: 'pg_dump-custom' | 'pglite-datadir-tar';
	createdAt: string;
	/** name of the last applied migration */
	schemaVersion: string;
	serverVersion: string;
	/** major version of the pg_dump that wrote it (postgres only): pg_restore must be at least this */
	pgDumpMajor: number | null;
	tables: Record<string, number>;
	audit: { entries: number; headId: number | null; headHash: string | null };
	payload: { bytes: number; sha256: string };
};

export class BackupError extends Error {}

export function sha256Hex(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

export function encodeBackupFile(manifest: BackupManifest, payload: Uint8Array): Buffer {
	return Buffer.concat([Buffer.from(`${FORMAT_LINE}\n${JSON.stringify(manifest)}\n`, 'utf8'), payload]);
}

/** Splits and checks a backup file; any damage is refused before a target is touched. */
export function decodeBackupFile(file: Buffer): { manifest: BackupManifest; payload: Buffer } {
	const first = file.indexOf(0x0a);
	if (first < 0 || file.subarray(0, first).toString('utf8') !== FORMAT_LINE) {
		throw new BackupError(`不是安训备份文件（第一行应为 ${FORMAT_LINE}），或文件已被截断。`);
	}
	const second = file.indexOf(0x0a, first + 1);
	if (second < 0) throw new BackupError('备份文件不完整：清单（manifest）被截断。');
	let manifest: BackupManifest;
	try {
		manifest = JSON.parse(file.subarray(first + 1, second).toString('utf8')) as BackupManifest;
	} catch {
		throw new BackupError('备份文件的清单（manifest）不是有效的 JSON：文件已损坏。');
	}
	if (manifest?.format !== FORMAT_LINE || !manifest.payload || typeof manifest.payload.bytes !== 'number' || !manifest.tables || !manifest.schemaVersion) {
		throw new BackupError('备份文件的清单（manifest）缺少必要字段：文件已损坏。');
	}
	const payload = file.subarray(second + 1);
	if (payload.length < manifest.payload.bytes) {
		throw new BackupError(`备份文件不完整（被截断）：应有 ${manifest.payload.bytes} 字节数据，实际只有 ${payload.length} 字节。未做任何恢复。`);
	}
	if (payload.length > manifest.payload.bytes) {
		throw new BackupError(`备份文件长度不符：应有 ${manifest.payload.bytes} 字节数据，实际 ${payload.length} 字节。未做任何恢复。`);
	}
	if (sha256Hex(payload) !== manifest.payload.sha256) {
		throw new BackupError('备份文件校验和（SHA-256）不符：文件已损坏或被改动。未做任何恢复。');
	}
	return { manifest, payload };
}

export type CountMismatch = { table: string; expected: number | null; actual: number | null };

/** Every table of the manifest with the same count in the restored database, and no extra tables. */
export function compareTableCounts(expected: Record<string, number>, actual: Record<string, number>): CountMismatch[] {
	const out: CountMismatch[] = [];
	for (const table of [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort()) {
		const e = expected[table] ?? null;
		const a = actual[table] ?? null;
		if (e !== a) out.push({ table, expected: e, actual: a });
	}
	return out;
}
