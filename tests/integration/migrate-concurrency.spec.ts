import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { migrations } from '../../migrations/index.ts';
import { createEmptyPostgresDatabase, dropPostgresDatabase } from '../support/db.ts';
import { migrateToLatest, openDatabase } from '../../src/lib/server/db/index.ts';
import { hasPostgres } from '../support/server.ts';

// Upgrades with N instances: every instance runs migrateToLatest at start. Kysely's Migrator
// (0.29) takes a session-level pg_advisory_lock, reads the applied list under it and runs the
// pending migrations in one transaction, so the instances queue and each migration runs once.
describe.skipIf(!hasPostgres(import.meta.url))('migrations started by several instances at once', () => {
	it('apply each migration exactly once, and every instance ends on the latest version', async () => {
		const url = await createEmptyPostgresDatabase();
		const instances = await Promise.all(Array.from({ length: 4 }, () => openDatabase({ kind: 'postgres', url, max: 2 })));
		try {
			const applied = await Promise.all(instances.map((d) => migrateToLatest(d.db)));
			expect(applied).toEqual(instances.map(() => Object.keys(migrations).length));
			const rows = await sql<{ name: string; n: number }>`select name, count(*)::int as n from kysely_migration group by name order by name`.execute(instances[0]!.db);
			expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
			expect(rows.rows.every((r) => r.n === 1)).toBe(true);
		} finally {
			await Promise.all(instances.map((d) => d.close()));
			await dropPostgresDatabase(url);
		}
	}, 120_000);
});
