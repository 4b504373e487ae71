// A load generator process for bench:study's realistic phase: its share of the learners' browsers, each
// with its own keep-alive connection, beating on the schedule the parent computed. A process holds one
// file descriptor per connection and this machine allows 20,000 per process, so 20,000 browsers need
// two of these (bench/study-heartbeats.ts starts them). Input: the path of a JSON file (BrowsersJob);
// output: one JSON line (BrowsersReport) on stdout.
import { readFileSync } from 'node:fs';
import { jsonPoster, runOpenLoop, type LoadResult, type Outcome } from './support.ts';

export type BrowsersJob = {
	url: string;
	cookie: string;
	path: string;
	/** this process's browsers: the session token and the body each one sends */
	browsers: { token: string; body: unknown }[];
	/** [due ms after startAt, browser index], sorted */
	warm: [number, number][];
	measured: [number, number][];
	/** Date.now() of the warm-up's 0; the measured schedule's 0 is startAt + measuredAfterMs */
	startAt: number;
	measuredAfterMs: number;
	maxInFlight: number;
};

export type BrowsersReport = {
	warm: Omit<LoadResult, 'latencies'>;
	measured: LoadResult;
	refused: number;
	connectionsAtMeasuredStart: number;
	connections: number;
};

const job = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as BrowsersJob;
const client = jsonPoster(job.url, job.cookie, 16);
let refused = 0;
let measuring = false;
let connectionsAtMeasuredStart = 0;
async function beat(b: number): Promise<Outcome> {
	const r = await client.post(job.path, job.browsers[b]!.token, job.browsers[b]!.body, b);
	if (r.status !== 200) return { ok: false, note: `${r.status} ${JSON.stringify(r.json).slice(0, 120)}` };
	if (measuring && (r.json as { refused?: unknown }).refused) refused++;
	return { ok: true };
}
const flip = setTimeout(
	() => {
		measuring = true;
		connectionsAtMeasuredStart = client.connections();
	},
	Math.max(0, job.startAt + job.measuredAfterMs - Date.now())
);
const [warm, measured] = await Promise.all([
	runOpenLoop(
		job.warm.map(([t]) => t),
		(k) => beat(job.warm[k]![1]),
		{ maxInFlight: job.maxInFlight, startAt: job.startAt }
	),
	runOpenLoop(
		job.measured.map(([t]) => t),
		(k) => beat(job.measured[k]![1]),
		{ maxInFlight: job.maxInFlight, startAt: job.startAt + job.measuredAfterMs }
	)
]);
clearTimeout(flip);
const warmSummary = Object.fromEntries(Object.entries(warm).filter(([key]) => key !== 'latencies')) as BrowsersReport['warm'];
const report: BrowsersReport = { warm: warmSummary, measured, refused, connectionsAtMeasuredStart, connections: client.connections() };
client.destroy();
process.stdout.write(JSON.stringify(report) + '\n');
