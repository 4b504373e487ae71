// npm run bench:start-batch — what PostgreSQL spends per 开始考试, one start per statement (the single
// start statement, the raw-SQL baseline) against starts in one statement (startBatch, what the server's
// group commit sends in a spike: db/turn-batcher.ts). No HTTP. Reads BENCH_DATABASE_URL (wiped).
// Fixtures: --candidates N (default 2,000) on one session with prepared papers; each round resets the
// attempts to 'ready'. Callers: --connections 10 (one pg pool), each start as fast as they go.
// Last line: starts=<n> single_pg_cpu_ms=<n> single_ms=<n> batch=<n> batch_pg_cpu_ms=<n> batch_ms=<n>
//   (PostgreSQL CPU per start, and wall time for all N starts, in the best of --rounds 2)
import { performance } from 'node:perf_hooks';
import { postgresCpu, singleAgainstBatch, type BatchRun } from './support.ts';
import { openBatchBench } from './batch-fixture.ts';
import { startBatch, startEligibleAttempt } from '../src/lib/server/exams/exam.repository.ts';

const { n: N, connections: CONNECTIONS, batch: BATCH, rounds: ROUNDS, database, db, sessionId, starts: inputs } = await openBatchBench();

async function reset() {
	await db.updateTable('exam_attempts').set({ status: 'ready', started_at: null, deadline_at: null, client_id: null, ip: null, user_agent: null }).where('session_id', '=', sessionId).execute();
}

/** `size` starts per statement, CONNECTIONS callers; PostgreSQL CPU per start and wall ms for all N. */
async function run(size: number): Promise<BatchRun> {
	await reset();
	const cpu = postgresCpu();
	const t = performance.now();
	let next = 0;
	let started = 0;
	await Promise.all(
		Array.from({ length: CONNECTIONS }, async () => {
			while (next < inputs.length) {
				const part = inputs.slice(next, next + size);
				next += size;
				// (not `started += await …`: that reads `started` before the await and loses the others' counts)
				const n = size === 1 ? ((await startEligibleAttempt(db, part[0]!)) === null ? 0 : 1) : (await startBatch(db, part)).size;
				started += n;
			}
		})
	);
	const ms = performance.now() - t;
	if (started !== inputs.length) throw new Error(`started ${started} of ${inputs.length}`);
	return { cpu: cpu.ms() / inputs.length, ms };
}

// the single statement exactly as a start alone sends it (no group commit)
process.env.ANXUN_START_BATCH = '0';
await singleAgainstBatch('starts', N, BATCH, ROUNDS, run);
await database.close();
