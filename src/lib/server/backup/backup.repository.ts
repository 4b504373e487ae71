import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Tx } from '../db/transaction.ts';

/** Base tables of the public schema, by name (the app's tables and Kysely's migration tables). */
export async function listTables(db: Db): Promise<string[]> {
	const rows = await sql<{ name: string }>`
		select table_name as name from information_schema.tables
		where table_schema = 'public' and table_type = 'BASE TABLE'
		order by table_name`.execute(db);
	return rows.rows.map((r) => r.name);
}

export async function countEveryTable(db: Db): Promise<Record<string, number>> {
	const out: Record<string, number> = {};
	for (const table of await listTables(db)) {
		const r = await sql<{ n: number | string }>`select count(*) as n from ${sql.table(table)}`.execute(db);
		out[table] = Number(r.rows[0]!.n);
	}
	return out;
}

export async function readSchemaVersion(db: Db): Promise<string | null> {
	const r = await sql<{ name: string }>`select name from kysely_migration order by name desc limit 1`.execute(db);
	return r.rows[0]?.name ?? null;
}

export async function readServerVersion(db: Db): Promise<string> {
	const r = await sql<{ server_version: string }>`show server_version`.execute(db);
	return r.rows[0]!.server_version;
}

export async function readAuditHead(db: Db): Promise<{ entries: number; headId: number | null; headHash: string | null }> {
	const count = await sql<{ n: number | string }>`select count(*) as n from audit_log`.execute(db);
	const head = await db.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
	return { entries: Number(count.rows[0]!.n), headId: head ? Number(head.id) : null, headHash: head?.hash ?? null };
}

export async function exportSnapshot(db: Db): Promise<string> {
	const r = await sql<{ id: string }>`select pg_export_snapshot() as id`.execute(db);
	return r.rows[0]!.id;
}

/**
 * Runs `fn` in a repeatable-read, read-only transaction: every read inside sees one snapshot,
 * which exportSnapshot can hand to pg_dump (--snapshot) so the dump and the manifest agree.
 */
export function inReadOnlySnapshot<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
	return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute(fn);
}
