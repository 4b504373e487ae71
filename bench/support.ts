import { monitorEventLoopDelay } from 'node:perf_hooks';
import { sql } from 'kysely';
import pg from 'pg';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { migrateToLatest, openDatabase, type Database } from '../src/lib/server/db/index.ts';
import { seedReference } from '../seeds/index.ts';

// What every benchmark does first: read BENCH_DATABASE_URL and --options, make sure the app is
// built, and start from an empty, migrated database.

export function benchDatabaseUrl(): string {
	const url = process.env.BENCH_DATABASE_URL;
	if (!url) {
		console.error('BENCH_DATABASE_URL is not set (a PostgreSQL database this benchmark may wipe), e.g. postgres://postgres@127.0.0.1:5432/anxun_bench');
		process.exit(2);
	}
	return url;
}

/** `--name <number>` from the command line, or the fallback. */
export function numberArg(name: string, fallback: number): number {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

export function ensureBuilt(): void {
	if (existsSync('build/handler.js')) return;
	console.log('build/ is missing: running vite build (run `npm run build` first to skip this)');
	execFileSync(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });
}

/** Creates the database if missing, wipes it, migrates it and loads the reference data. */
export async function openWipedDatabase(url: string, max = 8): Promise<Database> {
	const name = decodeURIComponent(new URL(url).pathname.slice(1));
	const admin = new URL(url);
	admin.pathname = '/postgres';
	const client = new pg.Client({ connectionString: admin.toString() });
	await client.connect();
	const exists = await client.query('select 1 from pg_database where datname = $1', [name]);
	if (!exists.rowCount) await client.query(`create database "${name.replace(/"/g, '""')}"`);
	await client.end();
	const database = await openDatabase({ kind: 'postgres', url, max });
	await sql`drop schema public cascade`.execute(database.db);
	await sql`create schema public`.execute(database.db);
	await migrateToLatest(database.db);
	await seedReference(database.db);
	return database;
}

/** `--name a,b,c` from the command line as numbers, or the fallback. */
export function listArg(name: string, fallback: number[]): number[] {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? process.argv[i + 1]!.split(',').map(Number).filter((n) => n > 0) : fallback;
}

export type Stats = { n: number; p50: number; p95: number; p99: number; max: number };
export function latencyStats(xs: readonly number[]): Stats {
	const s = [...xs].sort((a, b) => a - b);
	const pct = (p: number) => s[Math.min(s.length - 1, Math.floor(s.length * p))] ?? 0;
	return { n: s.length, p50: pct(0.5), p95: pct(0.95), p99: pct(0.99), max: s.at(-1) ?? 0 };
}

/** What one request of a load test came to: served (the server stored it) or lost (error, refusal, not stored). */
export type Outcome = { ok: boolean; note?: string };

export type LoadResult = {
	/** requests the schedule asked for */
	offered: number;
	served: number;
	/** errors, refusals, requests not sent because too many were in flight, requests not answered in time */
	lost: number;
	seconds: number;
	servedPerS: number;
	stats: Stats;
	notes: string[];
	/** the load generator's own event-loop delay during the run (ms): a stall here shows as latency */
	genLagMaxMs: number;
	/** each answered request's latency from its due time (ms), in completion order */
	latencies: number[];
};

/**
 * Open loop: request k is due at schedule[k] ms after the start, whether or not earlier ones
 * were answered (as on an exam day: nobody waits for somebody else's answer to be saved). The
 * latency of a request counts from its due time, so a late send (a busy load generator) is not
 * hidden. A request still unanswered `drainMs` after the schedule ends is lost.
 */
export async function runOpenLoop(
	schedule: readonly number[],
	send: (k: number) => Promise<Outcome>,
	options: { maxInFlight?: number; drainMs?: number; /** wall-clock time (Date.now()) of the schedule's 0; default now */ startAt?: number } = {}
): Promise<LoadResult> {
	const maxInFlight = options.maxInFlight ?? 2000;
	const drainMs = options.drainMs ?? 10_000;
	if (options.startAt !== undefined && options.startAt > Date.now()) await new Promise((r) => setTimeout(r, options.startAt! - Date.now()));
	const latencies: number[] = [];
	const notes: string[] = [];
	let served = 0;
	let lost = 0;
	let inFlight = 0;
	let next = 0;
	const start = performance.now();
	// Woken when the last request in flight settles after the schedule ended (one waiter, not a
	// Promise.race over everything in flight, which costs the generator O(n²) with 2,000 in flight).
	let drained: (() => void) | null = null;
	const lag = monitorEventLoopDelay({ resolution: 10 });
	lag.enable();
	const fire = (k: number, due: number) => {
		if (inFlight >= maxInFlight) {
			lost++;
			if (notes.length < 5) notes.push('not sent: too many in flight');
			return;
		}
		inFlight++;
		void send(k)
			.then(
				(o) => {
					latencies.push(performance.now() - start - due);
					if (o.ok) served++;
					else {
						lost++;
						if (o.note && notes.length < 5) notes.push(o.note);
					}
				},
				(err: unknown) => {
					lost++;
					if (notes.length < 5) notes.push(String(err));
				}
			)
			.finally(() => {
				inFlight--;
				if (inFlight === 0) drained?.();
			});
	};
	await new Promise<void>((resolve) => {
		const tick = () => {
			const elapsed = performance.now() - start;
			while (next < schedule.length && schedule[next]! <= elapsed) {
				fire(next, schedule[next]!);
				next++;
			}
			if (next >= schedule.length) resolve();
			else setTimeout(tick, Math.max(0, Math.min(5, schedule[next]! - elapsed)));
		};
		tick();
	});
	const end = (schedule.at(-1) ?? 0) + drainMs;
	if (inFlight > 0) {
		await new Promise<void>((resolve) => {
			const timer = setTimeout(resolve, Math.max(0, end - (performance.now() - start)));
			drained = () => {
				clearTimeout(timer);
				resolve();
			};
		});
	}
	// what is still in flight now is lost; its late answers must not count
	const unanswered = inFlight;
	if (unanswered) {
		lost += unanswered;
		notes.push(`${unanswered} not answered within ${drainMs} ms after the schedule ended`);
	}
	const seconds = (performance.now() - start) / 1000;
	lag.disable();
	return { offered: schedule.length, served, lost, seconds, servedPerS: served / seconds, stats: latencyStats(latencies), notes, genLagMaxMs: lag.max / 1e6, latencies: [...latencies] };
}

/** Evenly spaced due times: `rate` requests per second for `seconds`. */
export function evenSchedule(rate: number, seconds: number): number[] {
	const n = Math.round(rate * seconds);
	return Array.from({ length: n }, (_, k) => (k * 1000) / rate);
}

export const P99_GOAL_MS = 100;

/**
 * Capacity: offered rates in increasing order, each for `seconds`; the highest rate at which
 * p99 < 100 ms and nothing was lost. A rate that fails with nothing lost runs once more (see
 * rateHolds); the test stops at the first rate that does not hold, after three halvings back towards
 * the last that held, so the figure is not only a power of two.
 */
export async function stepTest(
	rates: readonly number[],
	seconds: number,
	send: (k: number) => Promise<Outcome>,
	log: (line: string) => void,
	/** CPU milliseconds the server has used so far (serverCpuMs): reported per request served in each step. */
	serverCpu?: () => number
): Promise<{ capacity: number; steps: { rate: number; pass: boolean; result: LoadResult }[] }> {
	const steps: { rate: number; pass: boolean; result: LoadResult }[] = [];
	let capacity = 0;
	let k0 = 0;
	const runStep = async (rate: number, attempt = 1) => {
		const base = k0;
		const schedule = evenSchedule(rate, seconds);
		k0 += schedule.length;
		const cpuBefore = serverCpu?.();
		const pg = postgresCpu();
		const genBefore = process.cpuUsage();
		const result = await runOpenLoop(schedule, (k) => send(base + k), { drainMs: 5000 });
		const gen = process.cpuUsage(genBefore);
		const pass = result.lost === 0 && result.stats.p99 < P99_GOAL_MS;
		steps.push({ rate, pass, result });
		const perRequest = (ms: number) => (result.served ? (ms / result.served).toFixed(3) : 'n/a');
		const cpu = cpuBefore === undefined ? '' : ` server_cpu_ms_per_req=${perRequest(serverCpu!() - cpuBefore)} generator_cpu_ms_per_req=${perRequest((gen.user + gen.system) / 1000)} pg_cpu_ms_per_req=${perRequest(pg.ms())}`;
		log(
			`step: offered_per_s=${rate}${attempt > 1 ? ' try=2' : ''} served_per_s=${result.servedPerS.toFixed(0)} lost=${result.lost} p50_ms=${result.stats.p50.toFixed(1)} p99_ms=${result.stats.p99.toFixed(1)} max_ms=${result.stats.max.toFixed(0)} gen_lag_max_ms=${result.genLagMaxMs.toFixed(0)}${cpu} ${pass ? 'PASS' : 'FAIL'}${result.notes.length ? ` (${result.notes.slice(0, 2).join(' | ')})` : ''}`
		);
		// let the queue behind a failed step empty before the next one
		await new Promise((r) => setTimeout(r, 1000));
		return pass;
	};
	// A rate passes when one of two runs of it passes. On a machine that the server, PostgreSQL and the
	// load generator share, a single stall (a GC, another process) fails a step now and then at rates
	// far below what the machine keeps up with (seen: 800/s failing at p99 103 ms in one run, 1,400/s
	// passing in the next); the second run tells a stall from a rate the server cannot keep up with.
	// Loss is never retried away: a step that lost a request fails.
	const rateHolds = async (rate: number) => {
		const before = steps.length;
		if (await runStep(rate)) return true;
		if (steps[before]!.result.lost > 0) return false;
		return runStep(rate, 2);
	};
	let lastPass = 0;
	let firstFail = 0;
	for (const rate of rates) {
		if (await rateHolds(rate)) {
			capacity = rate;
			lastPass = rate;
			continue;
		}
		firstFail = rate;
		break;
	}
	// Three halvings between the last rate that held and the first that did not (e.g. 1,600 → 3,200:
	// 2,400, then 2,000 or 2,800, then 1,800 …), to the nearest 50/s.
	for (let i = 0; i < 3 && firstFail && lastPass > 0; i++) {
		const mid = Math.round((lastPass + firstFail) / 2 / 50) * 50;
		if (mid <= lastPass || mid >= firstFail) break;
		if (await rateHolds(mid)) {
			capacity = mid;
			lastPass = mid;
		} else firstFail = mid;
	}
	return { capacity, steps };
}

/** A keep-alive HTTP client for JSON POSTs with the session cookie, as a browser tab sends them. */
export function jsonPoster(baseUrl: string, cookieName: string, maxSockets: number) {
	const target = new URL(baseUrl);
	const agent = new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
	// One keep-alive connection per browser (key): a page's sequential calls reuse its own socket, as a
	// browser's connection pool does, so the server's keep-alive timeout decides whether the next call
	// arrives on the same connection (and worker process) or opens a new one.
	const browsers = new Map<number, http.Agent>();
	const browserAgent = (key: number) => {
		let a = browsers.get(key);
		if (!a) browsers.set(key, (a = new http.Agent({ keepAlive: true, maxSockets: 1, maxFreeSockets: 1 })));
		return a;
	};
	let retriedResets = 0;
	let newConnections = 0;
	function once(path: string, token: string | null, body: unknown, key?: number): Promise<{ status: number; json: unknown; ms: number }> {
		const text = body === undefined ? '' : JSON.stringify(body);
		const start = performance.now();
		return new Promise((resolve, reject) => {
			const headers: Record<string, string | number> = { 'user-agent': 'anxun-bench' };
			if (token) headers.cookie = `${cookieName}=${token}`;
			if (body !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
			const req = http.request({ host: target.hostname, port: target.port, path, method: body === undefined ? 'GET' : 'POST', agent: key === undefined ? agent : browserAgent(key), headers }, (r) => {
				let out = '';
				r.setEncoding('utf8');
				r.on('data', (d) => (out += d));
				r.on('end', () => {
					let json: unknown = out;
					try {
						json = JSON.parse(out);
					} catch {
						/* not JSON */
					}
					resolve({ status: r.statusCode ?? 0, json, ms: performance.now() - start });
				});
			});
			req.on('error', reject);
			req.on('socket', (socket) => {
				if (!req.reusedSocket) socket.once('connect', () => newConnections++);
			});
			req.end(text);
		});
	}
	/** A keep-alive socket the server closed just as it was reused (ECONNRESET) is retried once, as a browser does. */
	/** `browser`: the call goes over that browser's own connection (see browserAgent), not the shared pool. */
	async function post(path: string, token: string | null, body?: unknown, browser?: number) {
		try {
			return await once(path, token, body, browser);
		} catch (err) {
			if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
			retriedResets++;
			return once(path, token, body, browser);
		}
	}
	/**
	 * Opens `n` keep-alive connections (a page left open) and returns how many are open. The requests
	 * must be in flight together: the agent hands a free socket to the next request, so sequential
	 * batches would reuse the first batch's sockets. A connect the listen backlog drops is retried by
	 * the kernel (SYN retransmit), so a burst only takes longer.
	 */
	async function warm(n: number): Promise<number> {
		await Promise.all(Array.from({ length: n }, () => post('/healthz', null).catch(() => undefined)));
		const open = (lists: NodeJS.ReadOnlyDict<unknown[]>) => Object.values(lists).reduce((sum, l) => sum + (l?.length ?? 0), 0);
		return open(agent.freeSockets) + open(agent.sockets);
	}
	return {
		post,
		warm,
		retried: () => retriedResets,
		/** Connections opened so far (TCP connects), shared pool and browsers' own together. */
		connections: () => newConnections,
		destroy: () => {
			agent.destroy();
			for (const a of browsers.values()) a.destroy();
		}
	};
}

/**
 * CPU milliseconds used so far by a process and all its descendants (the server and its worker
 * processes), from /proc (Linux; 0 elsewhere). CPU per request does not queue the way latency
 * does, so it compares two configurations even on a machine busy with other work.
 */
export function serverCpuMs(rootPid: number): number {
	const procs = processTicks();
	const tree = new Set([rootPid]);
	for (let grew = true; grew; ) {
		grew = false;
		for (const p of procs) {
			if (tree.has(p.pid) || !tree.has(p.ppid)) continue;
			tree.add(p.pid);
			grew = true;
		}
	}
	// clock ticks are 1/100 s on Linux (USER_HZ)
	return procs.filter((p) => tree.has(p.pid)).reduce((sum, p) => sum + p.ticks, 0) * 10;
}

/**
 * CPU that PostgreSQL's processes on this machine (backends, WAL writer, checkpointer; nothing off
 * Linux) use from now on: the benchmarks run against a local server, so this is the database's share
 * of a step next to the app's (serverCpuMs) and the load generator's. Counted per process, so a
 * backend that exits meanwhile (a pool closing) does not subtract its past from the figure.
 */
export function postgresCpu(): { ms: () => number } {
	const ticksOf = () => new Map(processTicks().filter((p) => p.postgres).map((p) => [p.pid, p.ticks]));
	const before = ticksOf();
	return {
		ms: () => {
			let ticks = 0;
			for (const [pid, now] of ticksOf()) ticks += now - (before.get(pid) ?? 0);
			return ticks * 10; // clock ticks are 1/100 s on Linux (USER_HZ)
		}
	};
}

function processTicks(): { pid: number; ppid: number; ticks: number; postgres: boolean }[] {
	const procs: { pid: number; ppid: number; ticks: number; postgres: boolean }[] = [];
	if (!existsSync('/proc/self/stat')) return procs;
	for (const entry of readdirSync('/proc')) {
		if (!/^[0-9]+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			procs.push({ pid: Number(entry), ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]), postgres: stat.includes(' (postgres) ') });
		} catch {
			// the process ended meanwhile
		}
	}
	return procs;
}

export type BatchRun = { cpu: number; ms: number };

/**
 * bench:start-batch and bench:sync-batch: `run(1)` (one call per statement) and `run(batch)` (`batch`
 * calls per statement) for `rounds` rounds, each round printed; then the last line
 * `<what>=<n> single_pg_cpu_ms=… single_ms=… batch=… batch_pg_cpu_ms=… batch_ms=…` from the best round
 * of each (by wall time). `run` returns PostgreSQL CPU per call and wall ms for all `n` calls.
 */
export async function singleAgainstBatch(what: string, n: number, batch: number, rounds: number, run: (size: number) => Promise<BatchRun>): Promise<void> {
	const best = (rs: BatchRun[]) => rs.reduce((a, b) => (b.ms < a.ms ? b : a));
	const single: BatchRun[] = [];
	const batched: BatchRun[] = [];
	for (let r = 0; r < rounds; r++) {
		const s = await run(1);
		const b = await run(batch);
		single.push(s);
		batched.push(b);
		console.log(`round ${r + 1}: single pg_cpu_ms=${s.cpu.toFixed(3)} wall_ms=${s.ms.toFixed(0)}; batch=${batch} pg_cpu_ms=${b.cpu.toFixed(3)} wall_ms=${b.ms.toFixed(0)}`);
	}
	const s = best(single);
	const b = best(batched);
	console.log(`${what}=${n} single_pg_cpu_ms=${s.cpu.toFixed(3)} single_ms=${s.ms.toFixed(0)} batch=${batch} batch_pg_cpu_ms=${b.cpu.toFixed(3)} batch_ms=${b.ms.toFixed(0)}`);
}
