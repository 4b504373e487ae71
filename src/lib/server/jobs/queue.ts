import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

// A job queue in PostgreSQL: side effects that must happen after a commit (grading, item
// statistics, integrity flags) are queued in the same transaction as the change that causes
// them, so they are never lost, and run outside it. Any instance may run any job.

export type JobRow = { id: number; kind: string; payload: Record<string, unknown>; attempts: number };
export type JobHandler = (db: Db, payload: Record<string, unknown>, now: Date) => Promise<void>;

const LEASE_SECONDS = 120;
const MAX_ATTEMPTS = 5;

/** Queues a job; with a dedupe key, a job already waiting with the same kind and key absorbs it. */
export async function enqueueJob(db: Db, job: { kind: string; payload?: Record<string, unknown>; dedupeKey?: string; runAfter: Date; now: Date }): Promise<void> {
	await db
		.insertInto('jobs')
		.values({
			kind: job.kind,
			dedupe_key: job.dedupeKey ?? null,
			payload: JSON.stringify(job.payload ?? {}),
			run_after: job.runAfter,
			created_at: job.now
		})
		.onConflict((oc) => oc.columns(['kind', 'dedupe_key']).where('done_at', 'is', null).where('dedupe_key', 'is not', null).doNothing())
		.execute();
}

/** Claims up to `limit` due jobs: FOR UPDATE SKIP LOCKED, then a lease so a crashed worker's job comes back. */
export async function claimDueJobs(db: Db, now: Date, limit: number, kinds?: readonly string[]): Promise<JobRow[]> {
	const leaseUntil = new Date(now.getTime() + LEASE_SECONDS * 1000);
	const kindFilter = kinds?.length ? sql`and kind in (${sql.join(kinds.map((k) => sql`${k}`))})` : sql``;
	const { rows } = await sql<JobRow>`
		update jobs set locked_until = ${leaseUntil}, attempts = attempts + 1
		where id in (
			select id from jobs
			where done_at is null and run_after <= ${now} and (locked_until is null or locked_until < ${now}) ${kindFilter}
			order by run_after, id
			limit ${limit}
			for update skip locked
		)
		returning id, kind, payload, attempts`.execute(db);
	return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

/** Claims one specific job (e.g. the request that queued it runs it at once). Null when another worker has it or it is done. */
export async function claimJob(db: Db, kind: string, dedupeKey: string, now: Date): Promise<JobRow | null> {
	const leaseUntil = new Date(now.getTime() + LEASE_SECONDS * 1000);
	const { rows } = await sql<JobRow>`
		update jobs set locked_until = ${leaseUntil}, attempts = attempts + 1
		where id = (
			select id from jobs
			where kind = ${kind} and dedupe_key = ${dedupeKey} and done_at is null and (locked_until is null or locked_until < ${now})
			limit 1
			for update skip locked
		)
		returning id, kind, payload, attempts`.execute(db);
	const row = rows[0];
	return row ? { ...row, id: Number(row.id) } : null;
}

export async function completeJob(db: Db, id: number, now: Date): Promise<void> {
	await db.updateTable('jobs').set({ done_at: now, locked_until: null, last_error: null }).where('id', '=', id).execute();
}

/** A failed job is retried later with backoff; after MAX_ATTEMPTS it stays failed (done, with its error) for an admin to see. */
export async function failJob(db: Db, job: JobRow, err: unknown, now: Date): Promise<void> {
	const message = err instanceof Error ? err.message : String(err);
	const giveUp = job.attempts >= MAX_ATTEMPTS;
	await db
		.updateTable('jobs')
		.set({
			last_error: message.slice(0, 2000),
			locked_until: null,
			run_after: new Date(now.getTime() + 2 ** job.attempts * 5000),
			done_at: giveUp ? now : null
		})
		.where('id', '=', job.id)
		.execute();
}

/** Runs one claimed job with its handler; errors are recorded on the job, never thrown. */
export async function runJob(db: Db, job: JobRow, handlers: Record<string, JobHandler>, now: () => Date): Promise<boolean> {
	const handler = handlers[job.kind];
	try {
		if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
		await handler(db, job.payload, now());
		await completeJob(db, job.id, now());
		return true;
	} catch (err) {
		console.error(`job ${job.id} (${job.kind}) failed:`, err);
		await failJob(db, job, err, now());
		return false;
	}
}

/** Claims and runs due jobs until none are left or `max` ran. Returns how many ran. */
export async function runDueJobs(db: Db, handlers: Record<string, JobHandler>, now: () => Date, max = 100): Promise<number> {
	let ran = 0;
	while (ran < max) {
		const jobs = await claimDueJobs(db, now(), Math.min(10, max - ran));
		if (!jobs.length) break;
		for (const job of jobs) {
			await runJob(db, job, handlers, now);
			ran++;
		}
	}
	return ran;
}
