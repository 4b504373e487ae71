import { sql } from 'kysely';
import pg from 'pg';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { migrateToLatest, openDatabase, type Database } from '../src/lib/server/db/index.ts';
import { seedReference } from '../seeds/index.ts';

// What every benchmark does first: read BENCH_DATABASE_URL and --options, make sure the app is
// built, and start from an empty, migrated database.

export function benchDatabaseUrl(): string {
	const url = process.env.BENCH_DATABASE_URL;
	if (!url) {
		console.error('BENCH_DATABASE_URL is not set (a PostgreSQL database this benchmark may wipe), e.g. postgres://postgres@127.0.0.1:5432/anxun_bench');
		process.exit(2);
	}
	return url;
}

/** `--name <number>` from the command line, or the fallback. */
export function numberArg(name: string, fallback: number): number {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

export function ensureBuilt(): void {
	if (existsSync('build/handler.js')) return;
	console.log('build/ is missing: running vite build (run `npm run build` first to skip this)');
	execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
}

/** Creates the database if missing, wipes it, migrates it and loads the reference data. */
export async function openWipedDatabase(url: string, max = 8): Promise<Database> {
	const name = decodeURIComponent(new URL(url).pathname.slice(1));
	const admin = new URL(url);
	admin.pathname = '/postgres';
	const client = new pg.Client({ connectionString: admin.toString() });
	await client.connect();
	const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
	if (!exists.rowCount) await client.query(`create database "${name.replace(/"/g, '""')}"`);
	await client.end();
	const database = await openDatabase({ kind: 'postgres', url, max });
	await sql`drop schema public cascade`.execute(database.db);
	await sql`create schema public`.execute(database.db);
	await migrateToLatest(database.db);
	await seedReference(database.db);
	return database;
}
