// npm run bench:sync-batch — what PostgreSQL spends per 自动保存, one autosave per statement (SYNC_SQL,
// what a request alone sends) against autosaves in one statement (writeSyncBatch: what the server's group
// commit sends under load, db/turn-batcher.ts). No HTTP. Reads BENCH_DATABASE_URL (wiped).
// Fixtures: --candidates N (default 2,000) with started attempts on one session; each round every
// attempt saves one answer with a new seq. Callers: --connections 10 (one pg pool), each as fast as it goes.
// Last line: autosaves=<n> single_pg_cpu_ms=<n> single_ms=<n> batch=<n> batch_pg_cpu_ms=<n> batch_ms=<n>
//   (PostgreSQL CPU per autosave, and wall time for all N autosaves, in the best of --rounds 2)
import { performance } from 'node:perf_hooks';
import { postgresCpu, singleAgainstBatch, type BatchRun } from './support.ts';
import { openBatchBench } from './batch-fixture.ts';
import { startBatch, writeSync, writeSyncBatch, type SyncWriteInput } from '../src/lib/server/exams/exam.repository.ts';

const { n: N, connections: CONNECTIONS, batch: BATCH, rounds: ROUNDS, database, db, starts } = await openBatchBench();
const started = await startBatch(db, starts);
if (started.size !== N) throw new Error(`started ${started.size} of ${N}`);
const attempts = starts.map((s, i) => ({ attemptId: started.get(i + 1)!, clientId: s.client.clientId }));

let seq = 0;
/** `size` autosaves per statement, CONNECTIONS callers; PostgreSQL CPU per autosave and wall ms for all N. */
async function run(size: number): Promise<BatchRun> {
	seq++;
	const inputs: SyncWriteInput[] = attempts.map((a) => ({
		...a,
		steps: [{ seq, slot: 1 + (seq % 50), response: ['A'], clientAt: new Date() }],
		events: [],
		acknowledge: [],
		now: new Date(),
		graceSeconds: 30
	}));
	const cpu = postgresCpu();
	const t = performance.now();
	let next = 0;
	let written = 0;
	await Promise.all(
		Array.from({ length: CONNECTIONS }, async () => {
			while (next < inputs.length) {
				const part = inputs.slice(next, next + size);
				next += size;
				const results = size === 1 ? [await writeSync(db, part[0]!)] : await writeSyncBatch(db, part);
				written += results.filter((r) => r?.written.length === 1).length;
			}
		})
	);
	const ms = performance.now() - t;
	if (written !== inputs.length) throw new Error(`written ${written} of ${inputs.length}`);
	return { cpu: cpu.ms() / inputs.length, ms };
}

// the single statement exactly as an autosave alone sends it (no group commit)
process.env.ANXUN_SYNC_BATCH = '0';
await singleAgainstBatch('autosaves', N, BATCH, ROUNDS, run);
await database.close();
