import { Kysely, PGliteDialect, PostgresDialect, sql } from 'kysely';
import { Migrator } from 'kysely/migration';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { mkdirSync } from 'node:fs';
import { migrations } from '../../../../migrations/index.ts';
import type { DB } from './schema.ts';
import { acquireDirLock } from './dir-lock.ts';
import { registerPool } from './prepared.ts';

export type Db = Kysely<DB>;
export type DbKind = 'pglite' | 'postgres';
export type Database = { db: Db; kind: DbKind; close: () => Promise<void> };

// pg returns int8 (count(*), bigserial) as strings; PGlite returns numbers. Normalise here,
// once, so repositories never see the difference. Our int8 values stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));
// date columns stay 'YYYY-MM-DD' strings on both drivers (no time-zone shifts).
pg.types.setTypeParser(1082, (v) => v);
const PGLITE_PARSERS = { 1082: (v: string) => v };

export type OpenOptions =
	| { kind: 'postgres'; url: string; max?: number }
	| { kind: 'pglite'; dataDir: string | null };

export async function openDatabase(options: OpenOptions): Promise<Database> {
	if (options.kind === 'postgres') {
		const pool = new pg.Pool({ connectionString: options.url, max: options.max ?? 10 });
		// A connection the server drops (restart, failover, pg_terminate_backend) must not crash
		// the process: the pool discards it and the next query opens a fresh one.
		const logDropped = (error: Error) => console.warn(`[db] 数据库连接已断开：${error.message}`);
		pool.on('error', logDropped);
		pool.on('connect', (client) => client.on('error', logDropped));
		const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
		registerPool(db, pool);
		return { db, kind: 'postgres', close: () => db.destroy() };
	}
	let release: (() => void) | null = null;
	let client: PGlite;
	if (options.dataDir) {
		mkdirSync(options.dataDir, { recursive: true });
		release = acquireDirLock(options.dataDir);
		client = new PGlite(options.dataDir, { parsers: PGLITE_PARSERS });
	} else {
		client = new PGlite({ parsers: PGLITE_PARSERS });
	}
	await client.waitReady;
	const db = new Kysely<DB>({ dialect: new PGliteDialect({ pglite: client }) });
	return {
		db,
		kind: 'pglite',
		close: async () => {
			await db.destroy();
			release?.();
		}
	};
}

export async function migrateToLatest(db: Db): Promise<number> {
	const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
	const { error, results } = await migrator.migrateToLatest();
	if (error) {
		const failed = results?.find((r) => r.status === 'Error');
		throw new Error(`数据库迁移失败${failed ? `（${failed.migrationName}）` : ''}：${String(error)}`);
	}
	return countAppliedMigrations(db);
}

/**
 * How many of the app's migrations the database has applied: one indexed read of Kysely's migration
 * table. (Migrator.getMigrations() introspects every table first — hundreds with the monthly
 * partitions, about 10 ms — which is too much for /healthz, probed by every load balancer.)
 */
export async function countAppliedMigrations(db: Db): Promise<number> {
	const names = Object.keys(migrations);
	const { rows } = await sql<{ n: number }>`select count(*)::int as n from kysely_migration where name = any(${names}::text[])`.execute(db);
	return rows[0]?.n ?? 0;
}

export function databaseOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): OpenOptions {
	if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL, max: Number(env.ANXUN_DB_POOL_MAX) || 10 };
	return { kind: 'pglite', dataDir: env.ANXUN_DATA_DIR || './data' };
}
