// Serves the adapter-node build over plain HTTP (scripts/serve-http.mjs), in one process or in
// worker processes (node:cluster). The app keeps nothing between requests that PostgreSQL does
// not hold, so N processes share the port and use N cores. ANXUN_WORKERS sets N; by default one
// per core on PostgreSQL. PGlite is an embedded, single-process database: always one process.
// The first worker starts alone (it migrates and seeds), then the others; only the first runs the
// background loop (ANXUN_WORKER_INTERVAL_MS), so an instance runs it once, as with one process.
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';

export function workerCount(env = process.env) {
	if (!env.DATABASE_URL) return 1;
	const asked = Number(env.ANXUN_WORKERS);
	return Number.isInteger(asked) && asked >= 1 ? Math.min(asked, 64) : availableParallelism();
}

const count = workerCount();
if (cluster.isPrimary && count > 1) runPrimary(count);
else await import('./serve-http.mjs');

function runPrimary(n) {
	let stopping = false;
	let background = null;
	const fork = (isBackground) => {
		const worker = cluster.fork(isBackground ? {} : { ANXUN_WORKER_INTERVAL_MS: '0' });
		if (isBackground) background = worker;
		worker.on('exit', (code, signal) => {
			if (stopping) {
				if (Object.keys(cluster.workers ?? {}).length === 0) process.exit(0);
				return;
			}
			console.error(`[serve] 工作进程 ${worker.process.pid} 退出（${signal ?? code}），1 秒后重启`);
			setTimeout(() => fork(worker === background), 1000).unref();
		});
		return worker;
	};
	fork(true).once('listening', () => {
		for (let i = 1; i < n; i++) fork(false);
		console.log(`[serve] ${n} 个工作进程（ANXUN_WORKERS）`);
	});
	const stop = (signal) => {
		if (stopping) return;
		stopping = true;
		const workers = Object.values(cluster.workers ?? {});
		if (!workers.length) process.exit(0);
		for (const w of workers) w?.process.kill(signal);
		setTimeout(() => process.exit(0), 10_000).unref();
	};
	process.on('SIGTERM', () => stop('SIGTERM'));
	process.on('SIGINT', () => stop('SIGINT'));
}
