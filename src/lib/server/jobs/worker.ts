import type { Db } from '../db/index.ts';
import { finishExpiredAttempts } from '../exams/attempt-service.ts';
import { examJobHandlers } from '../exams/grading-service.ts';
import { sql } from 'kysely';
import { enqueueJob, runDueJobs, type JobHandler } from './queue.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { createAuditCheckpoint } from '../audit/checkpoint.repository.ts';
import { notificationJobHandlers, queueNotificationJobs } from '../notifications/jobs.ts';
import { purgeSnapshots } from '../face/face-service.ts';
import { createPartitionsAhead } from './partitions.ts';

/** Raw face snapshots are kept this many days (ANXUN_FACE_SNAPSHOT_DAYS, default 90) unless reviewed. */
export const faceSnapshotDays = () => {
	const v = Number(process.env.ANXUN_FACE_SNAPSHOT_DAYS);
	return Number.isFinite(v) && v > 0 ? v : 90;
};

// The background loop every instance runs: finish expired attempts and run queued jobs. Nothing
// here is needed for correctness of a single request (an expired attempt is finished by whoever
// reads it first); it keeps results and statistics fresh when nobody is looking.

export const jobHandlers: Record<string, JobHandler> = {
	...examJobHandlers,
	...notificationJobHandlers,
	// Certificates expire without any write: once a day, coverage re-checks the persons whose certificate lapsed.
	'coverage-refresh-expired': async (db) => {
		await sql`select coverage_refresh_expired()`.execute(db);
	},
	// Signs the audit chain's head (published at /.well-known/anxun-audit-head.json).
	'audit-checkpoint': async (db, _payload, now) => {
		await createAuditCheckpoint(db, now);
	},
	// Deletes raw face snapshots past the retention period; outcomes and scores stay with the record.
	'face-snapshot-purge': async (db, _payload, now) => {
		await purgeSnapshots(db, new Date(now.getTime() - faceSnapshotDays() * 86_400_000));
	},
	// This month's and the next two months' partitions of the append-only histories (partitions.ts).
	'create-partitions': async (db, _payload, now) => {
		await createPartitionsAhead(db, now);
	}
};

/** Queues the hourly audit checkpoint once per hour across all instances. */
export async function ensureHourlyAuditCheckpoint(db: Db, now: Date): Promise<void> {
	const hour = now.toISOString().slice(0, 13);
	const exists = await db.selectFrom('jobs').select('id').where('kind', '=', 'audit-checkpoint').where('dedupe_key', '=', hour).executeTakeFirst();
	if (!exists) await enqueueJob(db, { kind: 'audit-checkpoint', dedupeKey: hour, runAfter: now, now });
}

/** Queues a job once per calendar day (China time); a second instance asking the same day adds nothing. */
export async function ensureDailyJob(db: Db, kind: string, now: Date, runAfter: Date = now): Promise<void> {
	const day = shanghaiDate(now);
	const exists = await db.selectFrom('jobs').select('id').where('kind', '=', kind).where('dedupe_key', '=', day).executeTakeFirst();
	if (!exists) await enqueueJob(db, { kind, dedupeKey: day, runAfter, now });
}

export async function runWorkerOnce(db: Db, now: () => Date): Promise<{ finished: number; jobs: number }> {
	const finished = await finishExpiredAttempts(db, now());
	await ensureDailyJob(db, 'coverage-refresh-expired', now());
	await ensureHourlyAuditCheckpoint(db, now());
	await ensureDailyJob(db, 'face-snapshot-purge', now());
	// on an instance's first tick (startup) and then once a day
	await ensureDailyJob(db, 'create-partitions', now());
	await queueNotificationJobs(db, now(), ensureDailyJob);
	const jobs = await runDueJobs(db, jobHandlers, now);
	return { finished, jobs };
}

let timer: ReturnType<typeof setInterval> | null = null;

export function startWorker(getDb: () => Promise<Db>, intervalMs: number): void {
	if (timer || intervalMs <= 0) return;
	let running = false;
	timer = setInterval(() => {
		if (running) return;
		running = true;
		void getDb()
			.then((db) => runWorkerOnce(db, () => new Date()))
			.catch((err) => console.error('background worker:', err))
			.finally(() => {
				running = false;
			});
	}, intervalMs);
	timer.unref();
}
