import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { spawnSync } from 'node:child_process';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { appendAudit, verifyAuditChain } from '../../src/lib/server/audit/audit.ts';

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
