import type { Db } from '../db/index.ts';
import { finishExpiredAttempts } from '../exams/attempt-service.ts';
import { examJobHandlers } from '../exams/grading-service.ts';
import { runDueJobs, type JobHandler } from './queue.ts';

// The background loop every instance runs: finish expired attempts and run queued jobs. Nothing
// here is needed for correctness of a single request (an expired attempt is finished by whoever
// reads it first); it keeps results and statistics fresh when nobody is looking.

export const jobHandlers: Record<string, JobHandler> = { ...examJobHandlers };

export async function runWorkerOnce(db: Db, now: () => Date): Promise<{ finished: number; jobs: number }> {
	const finished = await finishExpiredAttempts(db, now());
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

export function stopWorker(): void {
	if (timer) clearInterval(timer);
	timer = null;
}
