import { CompiledQuery, type RawBuilder } from 'kysely';
import type pg from 'pg';
import type { Db } from './index.ts';

// Named (server-side prepared) statements for the hot paths: PostgreSQL parses and plans such a
// statement once per connection instead of on every request. Only the root handle of a pg pool
// gets them; a transaction, or PGlite, runs the statement the ordinary way — so a statement passed
// a transaction always runs inside it.
const pools = new WeakMap<object, pg.Pool>();

export function registerPool(db: Db, pool: pg.Pool): void {
	pools.set(db, pool);
}

// prefix + text → name: hashing the text in JavaScript on every call cost the autosave measurable CPU
// (a Map lookup hashes the string natively); a statement has a handful of texts at most.
const names = new Map<string, string>();
const NAMES_MAX = 1000;

/** FNV-1a of the text: the name changes whenever the text does (pg refuses one name for two texts). */
function nameOf(prefix: string, text: string): string {
	const key = `${prefix}\u0000${text}`;
	const known = names.get(key);
	if (known) return known;
	if (names.size >= NAMES_MAX) names.clear();
	const name = fnvName(prefix, text);
	names.set(key, name);
	return name;
}

function fnvName(prefix: string, text: string): string {
	let h = 0x811c9dc5;
	for (let i = 0; i < text.length; i++) {
		h ^= text.charCodeAt(i);
		h = Math.imul(h, 0x01000193);
	}
	return `${prefix}_${(h >>> 0).toString(36)}`;
}

/** True for the root handle of a pg pool (not a transaction, not PGlite): statements on it may be batched across requests. */
export function isPoolRoot(db: Db): boolean {
	return pools.has(db);
}

/** Runs fixed SQL text with its values, as a named prepared statement when `db` is a pg pool's root handle. */
export async function runPreparedText<R>(db: Db, prefix: string, text: string, values: readonly unknown[]): Promise<R[]> {
	const pool = pools.get(db);
	if (!pool) return (await db.executeQuery<R>(CompiledQuery.raw(text, [...values]))).rows;
	const result = await pool.query({ name: nameOf(prefix, text), text, values: [...values] });
	return result.rows as R[];
}

/** Runs a raw statement as a named prepared statement when `db` is a pg pool's root handle. */
export async function runPrepared<R>(db: Db, prefix: string, query: RawBuilder<R>): Promise<R[]> {
	if (!pools.has(db)) return (await query.execute(db)).rows;
	const compiled = query.compile(db);
	return runPreparedText<R>(db, prefix, compiled.sql, compiled.parameters);
}
