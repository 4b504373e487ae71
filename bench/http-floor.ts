// npm run bench:floor — what this machine's Node and PostgreSQL cost per request with no application
// at all, for reading the bench:exam / bench:study figures against: a bare node:http server answering
// a small JSON POST (bare), and the same server running one prepared `select` on a pg pool per request
// (pg). The same load generator and step test as bench:exam (open loop, p99 < 100 ms and nothing lost),
// server CPU per request from /proc. Reads BENCH_DATABASE_URL (only a `select $1`; nothing is written).
// Last line: bare_capacity_per_s=<n> bare_cpu_ms_per_req=<n> pg_capacity_per_s=<n> pg_cpu_ms_per_req=<n>
//   (cpu at 800 requests/s, the rate where the exam bench's per-request CPU is usually compared)
import { createServer } from 'node:http';
import { fork } from 'node:child_process';
import { benchDatabaseUrl, jsonPoster, listArg, numberArg, serverCpuMs, stepTest } from './support.ts';

if (process.argv[2] === 'child') {
	const pg = (await import('pg')).default;
	const pool = new pg.Pool({ connectionString: process.argv[5], max: 10 });
	const withPg = process.argv[3] === 'pg';
	createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (c: Buffer) => chunks.push(c));
		req.on('end', async () => {
			const body = JSON.parse(Buffer.concat(chunks).toString() || '{}') as { n?: number };
			if (withPg) await pool.query({ name: 'floor', text: 'select $1::int as n', values: [body.n ?? 1] });
			const out = JSON.stringify({ saved: [body.n ?? 1] });
			res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(out) });
			res.end(out);
		});
	}).listen(Number(process.argv[4]), '127.0.0.1', () => process.send!('up'));
} else {
	const url = benchDatabaseUrl();
	const steps = listArg('steps', [200, 800, 3200, 6400]);
	const seconds = numberArg('step-seconds', 8);
	const out: string[] = [];
	for (const mode of ['bare', 'pg'] as const) {
		const port = 47_100 + (mode === 'pg' ? 1 : 0);
		const child = fork(new URL(import.meta.url).pathname, ['child', mode, String(port), url], { execArgv: ['--import', 'tsx'] });
		await new Promise((r) => child.once('message', r));
		const client = jsonPoster(`http://127.0.0.1:${port}`, 'x', 1000);
		await client.warm(200);
		let k = 0;
		const cpuAt = new Map<number, number>();
		const run = await stepTest(
			steps,
			seconds,
			async () => {
				const r = await client.post('/x', null, { n: ++k });
				return { ok: r.status === 200 };
			},
			(line) => {
				console.log(`${mode} ${line}`);
				const m = /offered_per_s=(\d+).*server_cpu_ms_per_req=([0-9.]+)/.exec(line);
				if (m) cpuAt.set(Number(m[1]), Number(m[2]));
			},
			() => serverCpuMs(child.pid!)
		);
		out.push(`${mode}_capacity_per_s=${run.capacity} ${mode}_cpu_ms_per_req=${cpuAt.get(800) ?? cpuAt.get(run.capacity) ?? 0}`);
		child.kill();
		client.destroy();
	}
	console.log(out.join(' '));
	process.exit(0);
}
