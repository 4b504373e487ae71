import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, createEmptyPostgresDatabase, dropPostgresDatabase, type BackendName } from '../support/db.ts';
import { migrateToLatest, openDatabase, type OpenOptions } from '../../src/lib/server/db/index.ts';
import { seedIfEmpty } from '../../seeds/index.ts';
import { backupDatabase, restoreDatabase } from '../../src/lib/server/backup/backup.ts';
import { countEveryTable } from '../../src/lib/server/backup/backup.repository.ts';
import { decodeBackupFile } from '../../src/lib/server/backup/manifest.ts';
import { verifyAuditChain } from '../../src/lib/server/audit/audit.ts';
import { createAuditCheckpoint } from '../../src/lib/server/audit/checkpoint.repository.ts';

const NOW = new Date('2026-12-05T06:00:00Z');

/** A place for a database: a fresh PostgreSQL database or a fresh (non-existent) data directory. */
async function newTarget(backend: BackendName, cleanup: (() => Promise<void>)[]): Promise<OpenOptions> {
	if (backend === 'postgres') {
		const url = await createEmptyPostgresDatabase();
		cleanup.push(() => dropPostgresDatabase(url));
		return { kind: 'postgres', url };
	}
	const parent = mkdtempSync(join(tmpdir(), 'anxun-backup-'));
	cleanup.push(async () => rmSync(parent, { recursive: true, force: true }));
	return { kind: 'pglite', dataDir: join(parent, 'data') };
}

async function inspect(options: OpenOptions) {
	const database = await openDatabase(options);
	try {
		const audit = await verifyAuditChain(database.db);
		const head = await database.db.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
		return { counts: await countEveryTable(database.db), audit, head: head?.hash ?? null };
	} finally {
		await database.close();
	}
}

describe.each(BACKENDS)('backup and restore (%s)', (backend) => {
	const cleanup: (() => Promise<void>)[] = [];
	let source: OpenOptions;
	let file: Buffer;
	let before: Awaited<ReturnType<typeof inspect>>;

	beforeAll(async () => {
		source = await newTarget(backend, cleanup);
		const database = await openDatabase(source);
		await migrateToLatest(database.db);
		await seedIfEmpty(database.db, { demo: true });
		await createAuditCheckpoint(database.db, NOW); // restore must verify signed checkpoints too
		await database.close();
		before = await inspect(source);
		file = (await backupDatabase(source, NOW)).file;
	}, 240_000);

	afterAll(async () => {
		for (const c of cleanup.reverse()) await c();
	});

	it('writes a manifest: format, time, schema version, every table with its count, the checksum', () => {
		const { manifest } = decodeBackupFile(file);
		expect(manifest.format).toBe('ANXUN-BACKUP/1');
		expect(manifest.backend).toBe(backend);
		expect(manifest.createdAt).toBe(NOW.toISOString());
		expect(manifest.schemaVersion).toMatch(/^\d{4}-\d{2}-\d{2}-\d{3}-/);
		expect(manifest.tables).toEqual(before.counts);
		expect(manifest.tables.persons).toBeGreaterThan(10);
		expect(manifest.tables.enrolments).toBeGreaterThan(0);
		expect(manifest.audit.entries).toBe(before.audit.entries);
		expect(manifest.payload.sha256).toMatch(/^[0-9a-f]{64}$/);
	});

	it('round trip: every table has the same row count and the audit chain is intact with the same head', async () => {
		expect(before.audit.ok).toBe(true);
		expect(before.audit.entries).toBeGreaterThan(0);
		const target = await newTarget(backend, cleanup);
		const report = await restoreDatabase(target, file, NOW);
		expect(report.countMismatches).toEqual([]);
		expect(report.audit.problems).toEqual([]);
		expect(report.audit.checkpointProblems).toEqual([]);
		expect(report.audit.checkpoints).toBeGreaterThan(0);
		expect(report.ok).toBe(true);
		const after = await inspect(target);
		expect(after.counts).toEqual(before.counts);
		expect(after.audit).toEqual(before.audit);
		expect(after.head).toBe(before.head);
	}, 240_000);

	it('refuses to restore into a non-empty target, and leaves it as it was', async () => {
		await expect(restoreDatabase(source, file, NOW)).rejects.toThrow(backend === 'postgres' ? /目标数据库不是空的/ : /目标数据目录 .* 不是空的/);
		expect((await inspect(source)).counts).toEqual(before.counts);
	});

	it('refuses a corrupted file (checksum) and writes nothing', async () => {
		const bad = Buffer.from(file);
		bad[bad.length - 100] = bad[bad.length - 100]! ^ 0xff;
		const target = await newTarget(backend, cleanup);
		await expect(restoreDatabase(target, bad, NOW)).rejects.toThrow(/校验和（SHA-256）不符/);
		await expectUntouched(target);
	});

	it('refuses a truncated file and writes nothing', async () => {
		const target = await newTarget(backend, cleanup);
		await expect(restoreDatabase(target, file.subarray(0, file.length - 1000), NOW)).rejects.toThrow(/被截断/);
		await expect(restoreDatabase(target, file.subarray(0, 30), NOW)).rejects.toThrow(/截断/);
		await expectUntouched(target);
	});

	it('refuses a backup of the other backend', async () => {
		const other: OpenOptions = backend === 'postgres' ? { kind: 'pglite', dataDir: join(mkdtempSync(join(tmpdir(), 'anxun-backup-')), 'd') } : { kind: 'postgres', url: 'postgres://nobody@127.0.0.1:1/none' };
		await expect(restoreDatabase(other, file, NOW)).rejects.toThrow(backend === 'postgres' ? /只能恢复到 PostgreSQL/ : /只能恢复到数据目录/);
	});

	async function expectUntouched(target: OpenOptions) {
		if (target.kind === 'postgres') {
			const database = await openDatabase(target);
			try {
				const tables = await countEveryTable(database.db);
				expect(tables).toEqual({});
			} finally {
				await database.close();
			}
		} else {
			const { existsSync } = await import('node:fs');
			expect(existsSync(join(target.dataDir!, 'PG_VERSION'))).toBe(false);
		}
	}
});

describe('backup of a data directory an app holds', () => {
	it('is refused with the directory lock message', async () => {
		const dir = mkdtempSync(join(tmpdir(), 'anxun-backup-held-'));
		const app = await openDatabase({ kind: 'pglite', dataDir: dir });
		await migrateToLatest(app.db);
		try {
			await expect(backupDatabase({ kind: 'pglite', dataDir: dir }, NOW)).rejects.toThrow(/数据目录 .* 已在本进程中打开/);
		} finally {
			await app.close();
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
