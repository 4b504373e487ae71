import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { spawnSync } from 'node:child_process';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendAudit, GENESIS_HASH, hashAuditEntry, verifyAuditChain } from '../../src/lib/server/audit/audit.ts';
import { checkCheckpoints, checkpointHash, type AuditCheckpoint } from '../../src/lib/server/audit/checkpoint.ts';
import { auditHeadDocument, createAuditCheckpoint, listAuditCheckpoints } from '../../src/lib/server/audit/checkpoint.repository.ts';
import { listPublishedKeys } from '../../src/lib/server/certificates/keys.ts';
import { runWorkerOnce } from '../../src/lib/server/jobs/worker.ts';

describe.each(BACKENDS)('hash-chained audit log (%s)', (backend) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		for (let i = 0; i < 6; i++) {
			await appendAudit(t.db, { at: new Date(Date.UTC(2026, 10, 26, 8, i)), actorUserId: i, action: 'test.write', target: `thing:${i}`, detail: { z: i, a: { y: 'é', b: [1, 2] } }, ip: '127.0.0.1' });
		}
	});
	afterAll(async () => t?.close());

	it('verifies an untouched chain', async () => {
		expect(await verifyAuditChain(t.db)).toEqual({ ok: true, entries: 6, problems: [] });
	});

	it('concurrent appends still form one chain', async () => {
		await Promise.all(Array.from({ length: 10 }, (_, i) => appendAudit(t.db, { at: new Date(), actorUserId: null, action: 'test.concurrent', detail: { i } })));
		const r = await verifyAuditChain(t.db);
		expect(r.ok).toBe(true);
		expect(r.entries).toBe(16);
	});

	it('refuses UPDATE and DELETE', async () => {
		await expect(sql`update audit_log set action = 'x' where id = 1`.execute(t.db)).rejects.toThrow(/append-only/);
		await expect(sql`delete from audit_log where id = 1`.execute(t.db)).rejects.toThrow(/append-only/);
	});

	it('detects an edited row and a deleted row once the trigger is bypassed', async () => {
		await sql`alter table audit_log disable trigger audit_log_no_update`.execute(t.db);
		await sql`update audit_log set detail = '{"z": 99}'::jsonb where id = 2`.execute(t.db);
		await sql`delete from audit_log where id = 4`.execute(t.db);
		await sql`alter table audit_log enable trigger audit_log_no_update`.execute(t.db);
		const r = await verifyAuditChain(t.db, 3);
		expect(r.ok).toBe(false);
		expect(r.problems).toEqual([
			{ id: 2, problem: 'edited' },
			{ id: 5, problem: 'broken_link' }
		]);
		if (t.url) {
			// the CLI reports the same and exits non-zero
			const cli = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/audit-verify.ts'], { env: { ...process.env, DATABASE_URL: t.url }, encoding: 'utf8' });
			expect(cli.status).toBe(1);
			expect(cli.stdout).toContain('audit_log #2');
			expect(cli.stdout).toContain('problems=2');
		}
	});
});

process.env.ANXUN_KEY_ENCRYPTION_KEY ??= 'c'.repeat(64);

/** What a superuser can do: rewrite rows with the triggers off and recompute the whole chain. */
async function recomputeChain(db: TestDatabase['db']): Promise<void> {
	const rows = await db.selectFrom('audit_log').selectAll().orderBy('id').execute();
	let prev = GENESIS_HASH;
	for (const row of rows) {
		const detail = typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail;
		const hash = hashAuditEntry(prev, { ...row, detail });
		await sql`update audit_log set prev_hash = ${prev}, hash = ${'tmp-' + row.id} where id = ${row.id}`.execute(db);
		await sql`update audit_log set hash = ${hash} where id = ${row.id}`.execute(db);
		prev = hash;
	}
}

async function verifyWith(db: TestDatabase['db'], checkpoints: readonly AuditCheckpoint[]) {
	return verifyAuditChain(db, 4, checkpoints);
}

describe.each(BACKENDS)('signed audit checkpoints (%s)', (backend) => {
	let t: TestDatabase;
	const at = (i: number) => new Date(Date.UTC(2026, 11, 4, 8, i));
	const append = (i: number) => appendAudit(t.db, { at: at(i), actorUserId: i, action: 'test.write', target: `thing:${i}`, detail: { i }, ip: '127.0.0.1' });
	let outside: AuditCheckpoint[];
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		for (let i = 0; i < 5; i++) await append(i);
		await createAuditCheckpoint(t.db, at(10));
		for (let i = 5; i < 9; i++) await append(i);
		expect(await createAuditCheckpoint(t.db, at(20))).toMatchObject({ seq: 2, lastId: 9, count: 9 });
		// nothing new: no checkpoint
		expect(await createAuditCheckpoint(t.db, at(21))).toBeNull();
		// the outside copy: what anyone fetched from /.well-known/anxun-audit-head.json
		outside = structuredClone((await auditHeadDocument(t.db, at(22))).checkpoints);
	});
	afterAll(async () => t?.close());

	it('signs checkpoints with the published platform key, chained by hash', async () => {
		const keys = await listPublishedKeys(t.db, at(30));
		expect(outside).toHaveLength(2);
		expect(checkCheckpoints(outside, keys)).toEqual([]);
		expect(outside[1]!.prev).toBe(checkpointHash(outside[0]!));
		// a forged count, or a checkpoint removed from the list, is found
		expect(checkCheckpoints([{ ...outside[0]!, count: 4 }, outside[1]!], keys)).toEqual([
			{ seq: 1, problem: 'signature' },
			{ seq: 2, problem: 'sequence' }
		]);
		expect(checkCheckpoints([outside[1]!], keys)).toEqual([]); // a copy may start later
		expect(checkCheckpoints([outside[0]!, { ...outside[1]!, seq: 3 }], keys).map((p) => p.problem)).toContain('sequence');
		expect(await verifyWith(t.db, outside)).toEqual({ ok: true, entries: 9, problems: [] });
	});

	it('refuses TRUNCATE of the log and any change to checkpoints', async () => {
		await expect(sql`truncate audit_log`.execute(t.db)).rejects.toThrow(/append-only/);
		await expect(sql`truncate audit_checkpoints`.execute(t.db)).rejects.toThrow(/append-only/);
		await expect(sql`delete from audit_checkpoints`.execute(t.db)).rejects.toThrow(/append-only/);
		await expect(sql`update audit_checkpoints set entry_count = 1`.execute(t.db)).rejects.toThrow(/append-only/);
		expect((await verifyWith(t.db, outside)).ok).toBe(true);
	});

	it('a rewritten row with the chain recomputed passes the chain alone but not the checkpoints', async () => {
		await sql`alter table audit_log disable trigger user`.execute(t.db);
		await sql`update audit_log set detail = '{"i": 99}'::jsonb where id = 3`.execute(t.db);
		await recomputeChain(t.db);
		await sql`alter table audit_log enable trigger user`.execute(t.db);
		expect(await verifyAuditChain(t.db)).toEqual({ ok: true, entries: 9, problems: [] });
		const r = await verifyWith(t.db, outside);
		expect(r.ok).toBe(false);
		expect(r.problems).toEqual([
			{ id: 5, problem: 'checkpoint_mismatch', seq: 1 },
			{ id: 9, problem: 'checkpoint_mismatch', seq: 2 }
		]);
	});

	it('deleting the tail after a checkpoint, or truncating, is found', async () => {
		const fresh = await createTestDatabase(backend);
		try {
			for (let i = 0; i < 6; i++) await appendAudit(fresh.db, { at: at(i), actorUserId: null, action: 'test.write', detail: { i } });
			await createAuditCheckpoint(fresh.db, at(10));
			const copy = await listAuditCheckpoints(fresh.db);
			await sql`alter table audit_log disable trigger user`.execute(fresh.db);
			await sql`delete from audit_log where id >= 5`.execute(fresh.db);
			// the chain alone cannot see a removed tail
			expect((await verifyAuditChain(fresh.db)).ok).toBe(true);
			expect((await verifyAuditChain(fresh.db, 5000, copy)).problems).toEqual([{ id: 6, problem: 'checkpoint_missing', seq: 1 }]);
			// deleting an early row and recomputing keeps the head's hash different and the count short
			await sql`truncate audit_log`.execute(fresh.db);
			await sql`alter table audit_log enable trigger user`.execute(fresh.db);
			expect((await verifyAuditChain(fresh.db, 5000, copy)).problems).toEqual([{ id: 6, problem: 'checkpoint_missing', seq: 1 }]);
			if (fresh.url) {
				// the CLI with the outside copy, after the database's own checkpoints were removed too
				const dir = mkdtempSync(join(tmpdir(), 'anxun-audit-'));
				const file = join(dir, 'head.json');
				writeFileSync(file, JSON.stringify(await auditHeadDocument(fresh.db, at(11))));
				await sql`alter table audit_checkpoints disable trigger user`.execute(fresh.db);
				await sql`truncate audit_checkpoints`.execute(fresh.db);
				const cli = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/audit-verify.ts', '--checkpoints', file], { env: { ...process.env, DATABASE_URL: fresh.url }, encoding: 'utf8' });
				expect(cli.stdout).toContain('检查点 #1 在数据库中不存在');
				expect(cli.stdout).toContain('audit_log #6: 已签名检查点记录的这一条不存在');
				expect(cli.status).toBe(1);
				const without = spawnSync(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'scripts/audit-verify.ts'], { env: { ...process.env, DATABASE_URL: fresh.url }, encoding: 'utf8' });
				expect(without.status).toBe(0); // without an outside copy, a full wipe is not detectable
				rmSync(dir, { recursive: true, force: true });
			}
		} finally {
			await fresh.close();
		}
	});

	it('the hourly job signs a checkpoint once per hour', async () => {
		const fresh = await createTestDatabase(backend);
		try {
			await appendAudit(fresh.db, { at: at(0), actorUserId: null, action: 'test.write' });
			await runWorkerOnce(fresh.db, () => at(1));
			await runWorkerOnce(fresh.db, () => at(2));
			expect(await listAuditCheckpoints(fresh.db)).toEqual([expect.objectContaining({ seq: 1, lastId: 1, count: 1 })]);
		} finally {
			await fresh.close();
		}
	});
});
