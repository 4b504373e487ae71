import type { Transaction } from 'kysely';
import type { DB } from './schema.ts';
import type { Db } from './index.ts';

/** A database handle that is known to be inside a transaction (locks and multi-statement writes take this). */
export type Tx = Transaction<DB>;

/**
 * Runs `fn` in the caller's transaction when `db` already is one, otherwise opens one.
 * The one way to "join or open": use cases call it so their writes and audit entry commit together.
 */
export function withTransaction<T>(db: Db, fn: (tx: Tx) => Promise<T>): Promise<T> {
	return db.isTransaction ? fn(db as Tx) : db.transaction().execute(fn);
}
