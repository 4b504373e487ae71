import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { randomBytes } from 'node:crypto';
import { migrateToLatest, openDatabase, type Database, type Db } from '../../src/lib/server/db/index.ts';

export type BackendName = 'pglite' | 'postgres';

/** PGlite always; PostgreSQL too when TEST_DATABASE_URL is set. */
export const BACKENDS: BackendName[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export type TestDatabase = Database & { url: string | null };

/** A fresh, isolated, migrated database: in-memory PGlite, or a new database on the server. */
export async function createTestDatabase(backend: BackendName): Promise<TestDatabase> {
	if (backend === 'pglite') {
		const database = await openDatabase({ kind: 'pglite', dataDir: null });
		await migrateToLatest(database.db);
		return { ...database, url: null };
	}
	const url = await createEmptyPostgresDatabase();
	const database = await openDatabase({ kind: 'postgres', url, max: 5 });
	await migrateToLatest(database.db);
	return {
		...database,
		url,
		close: async () => {
			await database.close();
			await dropPostgresDatabase(url);
		}
	};
}

export async function createEmptyPostgresDatabase(): Promise<string> {
	const base = process.env.TEST_DATABASE_URL;
	if (!base) throw new Error('TEST_DATABASE_URL is not set');
	const name = `anxun_t_${randomBytes(6).toString('hex')}`;
	const admin = new pg.Client({ connectionString: base });
	await admin.connect();
	await admin.query(`create database ${name}`);
	await admin.end();
	const url = new URL(base);
	url.pathname = `/${name}`;
	return url.toString();
}

export async function dropPostgresDatabase(url: string): Promise<void> {
	const base = process.env.TEST_DATABASE_URL!;
	const name = new URL(url).pathname.slice(1);
	const admin = new pg.Client({ connectionString: base });
	await admin.connect();
	// pool.end() resolves before every socket has closed; wait for them so `force` has nothing to kill.
	for (let i = 0; i < 50; i++) {
		const r = await admin.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
		if (r.rows[0].n === 0) break;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
	await admin.query(`drop database if exists ${name} with (force)`);
	await admin.end();
}

/** Row counts of every table: proves that a failed operation wrote nothing. */
export async function countAllRows(db: Db): Promise<Record<string, number>> {
	const tables = ['regions', 'industries', 'special_operations', 'organisations', 'persons', 'users', 'memberships', 'sessions', 'audit_log'] as const;
	const out: Record<string, number> = {};
	for (const t of tables) {
		const row = await db.selectFrom(t).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
		out[t] = Number(row.n);
	}
	return out;
}

export { Kysely, PostgresDialect };
