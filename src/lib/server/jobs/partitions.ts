import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { withTransaction, type Tx } from '../db/transaction.ts';

// The append-only histories are partitioned by month (migrations/2026-12-06-031-partition-events.ts).
// The worker creates this month's and the next MONTHS_AHEAD months' partitions every day, so a row
// stamped with the server's clock always has its month ready; anything else (a client clock years
// off) falls into the table's DEFAULT partition and is moved out when its month is created.

export const PARTITIONED = [
	{ table: 'study_events', key: 'at' },
	{ table: 'exam_events', key: 'at' },
	{ table: 'exam_answer_steps', key: 'attempt_started_at' }
] as const;

export type PartitionedTable = (typeof PARTITIONED)[number]['table'];

export const MONTHS_AHEAD = 2;

/** Months are UTC calendar months: [first of the month 00:00Z, first of the next). */
export const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
export const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
export const partitionName = (table: PartitionedTable, month: Date) => `${table}_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

/** This month and the next `ahead` months. */
export function monthsAhead(now: Date, ahead = MONTHS_AHEAD): Date[] {
	return Array.from({ length: ahead + 1 }, (_, i) => addMonths(monthStart(now), i));
}

/**
 * Creates the missing monthly partitions for this month and the next MONTHS_AHEAD; returns the names
 * created. Safe when two instances run it at once: one transaction-scoped advisory lock serialises
 * them, and each checks for the partition under the lock.
 */
export function createPartitionsAhead(db: Db, now: Date, ahead = MONTHS_AHEAD): Promise<string[]> {
	return createPartitions(db, monthsAhead(now, ahead));
}

/** Creates the missing partitions of every partitioned table for these months (also past ones: bench/prefill.ts). */
export async function createPartitions(db: Db, months: readonly Date[]): Promise<string[]> {
	const created: string[] = [];
	for (const { table, key } of PARTITIONED) {
		for (const month of months.map(monthStart)) {
			const made = await withTransaction(db, async (tx) => {
				await sql`select pg_advisory_xact_lock(hashtext('anxun_partitions'))`.execute(tx);
				return createMonthPartition(tx, table, key, month);
			});
			if (made) created.push(partitionName(table, month));
		}
	}
	return created;
}

async function createMonthPartition(tx: Tx, table: PartitionedTable, key: string, month: Date): Promise<boolean> {
	const name = partitionName(table, month);
	const { rows } = await sql<{ exists: boolean }>`select to_regclass(${name}) is not null as exists`.execute(tx);
	if (rows[0]!.exists) return false;
	const lo = month.toISOString();
	const hi = addMonths(month, 1).toISOString();
	const inRange = `${key} >= '${lo}' and ${key} < '${hi}'`;
	const { rows: strays } = await sql<{ n: boolean }>`select exists (select 1 from ${sql.table(`${table}_default`)} where ${sql.raw(inRange)}) as n`.execute(tx);
	if (!strays[0]!.n) {
		await sql.raw(`create table ${name} partition of ${table} for values from ('${lo}') to ('${hi}')`).execute(tx);
		await guardTruncate(tx, name);
		return true;
	}
	// PostgreSQL refuses a partition whose range has rows in DEFAULT. The DEFAULT partition is
	// append-only too, so its rows are not deleted: it is detached, its rows copied into the new
	// month or a fresh DEFAULT, and the old one dropped, all in this transaction.
	const old = `${table}_default_old`;
	await sql.raw(`alter table ${table} detach partition ${table}_default`).execute(tx);
	await sql.raw(`alter table ${table}_default rename to ${old}`).execute(tx);
	await sql.raw(`create table ${name} partition of ${table} for values from ('${lo}') to ('${hi}')`).execute(tx);
	await guardTruncate(tx, name);
	await sql.raw(`insert into ${table} select * from ${old} where ${inRange}`).execute(tx);
	await sql.raw(`create table ${table}_default (like ${old} including defaults including constraints)`).execute(tx);
	await sql.raw(`insert into ${table}_default select * from ${old} where not (${inRange})`).execute(tx);
	await sql.raw(`alter table ${table} attach partition ${table}_default default`).execute(tx);
	await guardTruncate(tx, `${table}_default`);
	await sql.raw(`drop table ${old}`).execute(tx);
	return true;
}

// Row triggers (append-only, retention) are inherited by partitions; statement-level TRUNCATE ones are not.
async function guardTruncate(tx: Tx, name: string): Promise<void> {
	await sql.raw(`create trigger ${name}_retained_truncate before truncate on ${name} for each statement execute function training_records_retained()`).execute(tx);
}
