import { Kysely, PGliteDialect } from 'kysely';
import { PGlite } from '@electric-sql/pglite';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { migrations } from '../../../../migrations/index.ts';
import { openDatabase, type Db, type OpenOptions } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import { acquireDirLock } from '../db/dir-lock.ts';
import { verifyAuditChain, type AuditProblem } from '../audit/audit.ts';
import { listAuditCheckpoints } from '../audit/checkpoint.repository.ts';
import { checkCheckpoints, type CheckpointProblem } from '../audit/checkpoint.ts';
import { listPublishedKeys } from '../certificates/keys.ts';
import { countEveryTable, exportSnapshot, inReadOnlySnapshot, listTables, readAuditHead, readSchemaVersion, readServerVersion } from './backup.repository.ts';
import { checkPgDumpCompatible, runPgDump, runPgRestore, toolMajorVersion } from './pg-tools.ts';
import { BackupError, compareTableCounts, decodeBackupFile, encodeBackupFile, FORMAT_LINE, sha256Hex, type BackupManifest, type CountMismatch } from './manifest.ts';

type Snapshot = Omit<BackupManifest, 'format' | 'backend' | 'dump' | 'createdAt' | 'pgDumpMajor' | 'payload'>;

async function readSnapshot(db: Db): Promise<Snapshot> {
	const schemaVersion = await readSchemaVersion(db);
	if (!schemaVersion) throw new BackupError('数据库还没有迁移（没有 kysely_migration 记录），没有可备份的内容。');
	return { schemaVersion, serverVersion: await readServerVersion(db), tables: await countEveryTable(db), audit: await readAuditHead(db) };
}

/**
 * A consistent backup of the configured database, as the bytes of one backup file.
 * PostgreSQL: the counts are read in a repeatable-read transaction whose snapshot pg_dump
 * then uses (--snapshot), so the manifest describes exactly the rows in the dump while the
 * app keeps running. PGlite: the directory is locked for the duration, so no app writes.
 */
export async function backupDatabase(options: OpenOptions, now: Date, env: NodeJS.ProcessEnv = process.env): Promise<{ file: Buffer; manifest: BackupManifest }> {
	if (options.kind === 'postgres') {
		const database = await openDatabase({ kind: 'postgres', url: options.url, max: 1 });
		try {
			return await inReadOnlySnapshot(database.db, async (tx) => {
				const snapshotId = await exportSnapshot(tx);
				const snapshot = await readSnapshot(tx);
				const pgDumpMajor = await checkPgDumpCompatible(snapshot.serverVersion, env);
				const payload = await runPgDump(options.url, snapshotId, env);
				return finish({ backend: 'postgres', dump: 'pg_dump-custom', pgDumpMajor, ...snapshot }, payload, now);
			});
		} finally {
			await database.close();
		}
	}
	if (!options.dataDir) throw new BackupError('内存数据库无法备份：请用 ANXUN_DATA_DIR 指定数据目录。');
	const dir = resolve(options.dataDir);
	if (!existsSync(join(dir, 'PG_VERSION'))) throw new BackupError(`数据目录 ${dir} 中没有数据库，没有可备份的内容。`);
	const embedded = await openDataDir(dir);
	try {
		const snapshot = await readSnapshot(embedded.db);
		const tar = await embedded.client.dumpDataDir('gzip');
		const payload = new Uint8Array(await tar.arrayBuffer());
		return finish({ backend: 'pglite', dump: 'pglite-datadir-tar', pgDumpMajor: null, ...snapshot }, payload, now);
	} finally {
		await embedded.close();
	}
}

function finish(m: Omit<BackupManifest, 'format' | 'createdAt' | 'payload'>, payload: Uint8Array, now: Date) {
	const manifest: BackupManifest = { format: FORMAT_LINE, ...m, createdAt: now.toISOString(), payload: { bytes: payload.length, sha256: sha256Hex(payload) } };
	return { file: encodeBackupFile(manifest, payload), manifest };
}

/** Holds the directory lock (a running app refuses, and so do we while it runs). */
async function openDataDir(dir: string, loadDataDir?: Blob) {
	mkdirSync(dir, { recursive: true });
	const release = acquireDirLock(dir);
	try {
		const client = new PGlite(dir, loadDataDir ? { loadDataDir } : {});
		await client.waitReady;
		const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite: client }) });
		return {
			client,
			db,
			close: async () => {
				await db.destroy();
				release();
			}
		};
	} catch (e) {
		release();
		throw e;
	}
}

export type RestoreReport = {
	manifest: BackupManifest;
	counts: Record<string, number>;
	countMismatches: CountMismatch[];
	schemaVersion: string | null;
	audit: { entries: number; headHash: string | null; problems: AuditProblem[]; checkpointProblems: CheckpointProblem[]; checkpoints: number };
	ok: boolean;
};

/**
 * Restores a backup file into the configured database or data directory, which must be empty,
 * then checks every table's row count against the manifest and walks the audit chain.
 * The file is checked (length, SHA-256) before the target is touched.
 */
export async function restoreDatabase(options: OpenOptions, file: Buffer, now: Date, env: NodeJS.ProcessEnv = process.env): Promise<RestoreReport> {
	const { manifest, payload } = decodeBackupFile(file);
	if (!(manifest.schemaVersion in migrations)) {
		throw new BackupError(`备份的数据库结构版本 ${manifest.schemaVersion} 不是本程序认识的迁移：请用与备份时相同或更新版本的安训恢复。`);
	}
	if (manifest.backend !== options.kind) {
		throw new BackupError(
			manifest.backend === 'pglite'
				? '这是嵌入式数据库（PGlite 数据目录）的备份，只能恢复到数据目录：请取消 DATABASE_URL，用 ANXUN_DATA_DIR 指定一个新目录。'
				: '这是 PostgreSQL 的备份，只能恢复到 PostgreSQL：请把 DATABASE_URL 指向一个新建的空数据库。'
		);
	}
	if (options.kind === 'postgres') {
		const database = await openDatabase({ kind: 'postgres', url: options.url, max: 2 });
		try {
			const existing = await listTables(database.db);
			if (existing.length) {
				throw new BackupError(`目标数据库不是空的（已有 ${existing.length} 张表，例如 ${existing.slice(0, 3).join('、')}）：恢复只能写入新建的空数据库，不会覆盖已有数据。请新建一个数据库（createdb），把 DATABASE_URL 指向它后重试。`);
			}
			const restoreMajor = await toolMajorVersion('pg_restore', env);
			if (manifest.pgDumpMajor && restoreMajor < manifest.pgDumpMajor) {
				throw new BackupError(`pg_restore 版本（${restoreMajor}）低于制作备份的 pg_dump（${manifest.pgDumpMajor}）：请安装更新的 PostgreSQL 客户端，或用 ANXUN_PG_BIN_DIR 指定。`);
			}
			const tmp = mkdtempSync(join(tmpdir(), 'anxun-restore-'));
			try {
				const dumpFile = join(tmp, 'dump.pgcustom');
				writeFileSync(dumpFile, payload, { mode: 0o600 });
				await runPgRestore(options.url, dumpFile, env);
			} finally {
				rmSync(tmp, { recursive: true, force: true });
			}
			return await verifyRestored(database.db, manifest, now);
		} finally {
			await database.close();
		}
	}
	if (!options.dataDir) throw new BackupError('不能恢复到内存数据库：请用 ANXUN_DATA_DIR 指定一个新目录。');
	const dir = resolve(options.dataDir);
	const present = existsSync(dir) ? readdirSync(dir).filter((name) => name !== 'anxun.lock') : [];
	if (present.length) {
		throw new BackupError(`目标数据目录 ${dir} 不是空的（${present.includes('PG_VERSION') ? '已有数据库' : `有 ${present.length} 个文件`}）：恢复只能写入不存在或空的目录，不会覆盖已有数据。请用 ANXUN_DATA_DIR 指定一个新目录后重试。`);
	}
	const embedded = await openDataDir(dir, new Blob([new Uint8Array(payload)]));
	try {
		return await verifyRestored(embedded.db, manifest, now);
	} finally {
		await embedded.close();
	}
}

async function verifyRestored(db: Db, manifest: BackupManifest, now: Date): Promise<RestoreReport> {
	const counts = await countEveryTable(db);
	const countMismatches = compareTableCounts(manifest.tables, counts);
	const schemaVersion = await readSchemaVersion(db);
	const checkpoints = await listAuditCheckpoints(db);
	const checkpointProblems = checkCheckpoints(checkpoints, await listPublishedKeys(db, now));
	const chain = await verifyAuditChain(db, 5000, checkpoints);
	const head = await readAuditHead(db);
	const ok =
		countMismatches.length === 0 &&
		schemaVersion === manifest.schemaVersion &&
		chain.ok &&
		checkpointProblems.length === 0 &&
		chain.entries === manifest.audit.entries &&
		head.headHash === manifest.audit.headHash;
	return { manifest, counts, countMismatches, schemaVersion, audit: { entries: chain.entries, headHash: head.headHash, problems: chain.problems, checkpointProblems, checkpoints: checkpoints.length }, ok };
}
