// npm run bench:study — learners' heartbeats against the built server on PostgreSQL (BENCH_DATABASE_URL, wiped).
//   (a) realistic: each of --learners N (default 20,000) beats every --interval 30 s, spread evenly,
//       for --seconds 75: N/30 beats per second offered, open loop (heartbeats_per_s, p99_ms; a beat
//       that cannot be sent because 1,000 are in flight is lost and counted)
//   (b) capacity: an open-loop step test at --steps 100,200,400,800,1600,3200 beats per second,
//       --step-seconds 20 each → capacity_per_s, the highest rate with p99 < 100 ms and nothing lost
//   (c) baselines in the same run, no HTTP: the app's two statements (read state, compare-and-set
//       write) through Kysely at 16 clients, and the beat's semantic core (session check, lease
//       compare-and-set, credit, event) as ONE SQL statement through pg at 16 clients
// Options: --workers n (ANXUN_WORKERS of the server) --skip-realistic
// Last line: learners=<n> heartbeats_per_s=<n> p99_ms=<n> capacity_per_s=<n>
import { prefillStudyEvents, prefillArg } from './prefill.ts';
import { benchDatabaseUrl, ensureBuilt, evenSchedule, jsonPoster, latencyStats, listArg, numberArg, openWipedDatabase, postgresCpu, serverCpuMs, stepTest, type LoadResult, type Outcome } from './support.ts';
import { sql } from 'kysely';
import { performance } from 'node:perf_hooks';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowsersJob, BrowsersReport } from './browsers.ts';
import pg from 'pg';
import { openDatabase } from '../src/lib/server/db/index.ts';
import { createSession, SESSION_COOKIE } from '../src/lib/server/auth/session.ts';
import { startServer } from '../tests/support/server.ts';
import { readBeatState, writeBeat } from '../src/lib/server/study/study.repository.ts';

const url = benchDatabaseUrl();
const arg = numberArg;
const LEARNERS = arg('learners', 20_000);
const SECONDS = arg('seconds', 75);
const INTERVAL = arg('interval', 30);
const STEPS = listArg('steps', [100, 200, 400, 800, 1600, 3200]);
const STEP_SECONDS = arg('step-seconds', 20);
// '' = the server's default (one worker per core on PostgreSQL)
const WORKERS = process.argv.includes('--workers') ? String(arg('workers', 1)) : '';

ensureBuilt();

const database = await openWipedDatabase(url);
const db = database.db;

// --- fixtures: one enterprise, N learners with sessions, each enrolled in one long lesson ---
const t0 = performance.now();
const now = new Date();
const org = await db.insertInto('organisations').values({ kind: 'enterprise', name: '基准企业', region_code: '500112', industry_code: 'it_machinery' }).returning('id').executeTakeFirstOrThrow();
const inst = await db.insertInto('organisations').values({ kind: 'institution', name: '基准机构', region_code: '500112' }).returning('id').executeTakeFirstOrThrow();
const course = await db
	.insertInto('courses')
	.values({ code: 'bench', title: '基准课程', training_type: 'annual', credit_hours: '12', owner_org_id: inst.id, status: 'published', created_at: now, updated_at: now, published_at: now, audience_roles: '["frontline"]' })
	.returning('id')
	.executeTakeFirstOrThrow();
const mod = await db.insertInto('course_modules').values({ course_id: course.id, title: '第一章', position: 1 }).returning('id').executeTakeFirstOrThrow();
const lesson = await db.insertInto('lessons').values({ course_id: course.id, module_id: mod.id, title: '第一节', kind: 'text', minutes: 600, position: 1 }).returning('id').executeTakeFirstOrThrow();
const ids = Array.from({ length: LEARNERS }, (_, i) => i);
const idNumbers = ids.map((i) => `5001121990${String(i).padStart(7, '0')}X`.slice(0, 18));
await sql`insert into persons (name, id_number, org_id, role_category)
	select '学员' || n, idn, ${org.id}, 'frontline' from unnest(${ids}::int[], ${idNumbers}::text[]) as t(n, idn)`.execute(db);
await sql`insert into users (person_id, display_name, id_number, password_hash) select id, name, id_number, 'x' from persons where org_id = ${org.id}`.execute(db);
await sql`insert into memberships (user_id, role, org_id) select id, 'learner', ${org.id} from users`.execute(db);
await sql`insert into enrolments (person_id, course_id, plan_year, source, created_at) select id, ${course.id}, 2026, 'manual', now() from persons where org_id = ${org.id}`.execute(db);
const learners = await db
	.selectFrom('users as u')
	.innerJoin('memberships as m', 'm.user_id', 'u.id')
	.innerJoin('enrolments as e', 'e.person_id', 'u.person_id')
	.select(['u.id as user_id', 'm.id as membership_id', 'e.id as enrolment_id', 'u.person_id'])
	.orderBy('u.id')
	.execute();
const tokens: string[] = [];
for (let i = 0; i < learners.length; i += 200) {
	const batch = await Promise.all(learners.slice(i, i + 200).map((l) => createSession(db, l.user_id, l.membership_id, now)));
	tokens.push(...batch.map((b) => b.token));
}
console.log(`fixtures: learners=${learners.length} setup_ms=${Math.round(performance.now() - t0)}`);
// --prefill N: N historic rows in the partitioned history tables before the run (bench/prefill.ts)
await prefillStudyEvents(db, prefillArg(), now);

// --- the app ---
const server = await startServer({
	DATABASE_URL: url,
	ANXUN_SEED: 'none',
	ANXUN_WORKERS: WORKERS,
	...(process.env.BENCH_CPU_PROF ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}` } : {})
});
const client = jsonPoster(server.url, SESSION_COOKIE, 1024);
const tabIds = learners.map((_, i) => `bench-tab-${i}`);
async function beat(i: number): Promise<Outcome> {
	const l = learners[i]!;
	const r = await client.post('/api/study/heartbeat', tokens[i]!, { enrolmentId: l.enrolment_id, lessonId: lesson.id, tabId: tabIds[i], state: 'active' });
	if (r.status !== 200) return { ok: false, note: `${r.status} ${JSON.stringify(r.json).slice(0, 120)}` };
	return { ok: true };
}
await client.warm(256);

// (a) realistic: learner i beats at (i / N) * INTERVAL + k * INTERVAL
const offered = LEARNERS / INTERVAL;
console.log(`load: learners=${LEARNERS} interval_s=${INTERVAL} offered_per_s=${offered.toFixed(0)} seconds=${SECONDS}`);
const skipRealistic = process.argv.includes('--skip-realistic');
// Each learner's browser keeps its own connection, as a browser does between beats; whether the server
// keeps it open until the next beat is the server's keep-alive timeout (ANXUN_KEEPALIVE_MS). The
// browsers run in --generators processes (default one per 15,000: a process may hold 20,000 sockets
// here), bench/browsers.ts. First --warm-intervals 3 intervals on the same schedule, not measured: in the
// first every learner's page opens (a new connection, a new lease) — 20,000 pages within 30 s, which real
// mornings spread over hours, so some beats are lost to the connection storm and those pages connect in
// the next interval; by the third the server has caught up, so the measured run starts in the steady
// state — each learner's last beat one interval ago, on a connection still open if the server keeps it
// that long.
const WARM_INTERVALS = Math.max(1, arg('warm-intervals', 3));
const GENERATORS = Math.max(1, arg('generators', Math.ceil(LEARNERS / 15_000)));
async function realisticRun(): Promise<{ warm: LoadResult; real: LoadResult; refused: number; newConnections: number; cpuPerBeat: number }> {
	const dir = mkdtempSync(join(tmpdir(), 'anxun-browsers-'));
	const startAt = Date.now() + 3000;
	const warmSchedule = evenSchedule(offered, WARM_INTERVALS * INTERVAL);
	const realSchedule = evenSchedule(offered, SECONDS);
	const jobs: BrowsersJob[] = Array.from({ length: GENERATORS }, () => ({
		url: server.url,
		cookie: SESSION_COOKIE,
		path: '/api/study/heartbeat',
		browsers: [],
		warm: [],
		measured: [],
		startAt,
		measuredAfterMs: WARM_INTERVALS * INTERVAL * 1000,
		maxInFlight: Math.ceil(1000 / GENERATORS)
	}));
	learners.forEach((l, i) => jobs[i % GENERATORS]!.browsers.push({ token: tokens[i]!, body: { enrolmentId: l.enrolment_id, lessonId: lesson.id, tabId: tabIds[i], state: 'active' } }));
	warmSchedule.forEach((t, k) => jobs[(k % LEARNERS) % GENERATORS]!.warm.push([t, Math.floor((k % LEARNERS) / GENERATORS)]));
	realSchedule.forEach((t, k) => jobs[(k % LEARNERS) % GENERATORS]!.measured.push([t, Math.floor((k % LEARNERS) / GENERATORS)]));
	let cpuAtMeasuredStart = 0;
	const cpuTimer = setTimeout(() => (cpuAtMeasuredStart = serverCpuMs(server.proc.pid!)), startAt + WARM_INTERVALS * INTERVAL * 1000 - Date.now());
	const reports = await Promise.all(
		jobs.map((job, g) => {
			const file = join(dir, `job-${g}.json`);
			writeFileSync(file, JSON.stringify(job));
			return new Promise<BrowsersReport>((resolve, reject) => {
				const child = fork(fileURLToPath(new URL('./browsers.ts', import.meta.url)), [file], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
				let out = '';
				child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
				child.on('error', reject);
				child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as BrowsersReport) : reject(new Error(`load generator ${g} exited with ${code}`))));
			});
		})
	);
	clearTimeout(cpuTimer);
	const cpu = serverCpuMs(server.proc.pid!) - cpuAtMeasuredStart;
	rmSync(dir, { recursive: true, force: true });
	const merge = (parts: Omit<LoadResult, 'stats'>[]): LoadResult => {
		const latencies = parts.flatMap((p) => p.latencies ?? []);
		const served = parts.reduce((sum, p) => sum + p.served, 0);
		const seconds = Math.max(...parts.map((p) => p.seconds));
		return {
			offered: parts.reduce((sum, p) => sum + p.offered, 0),
			served,
			lost: parts.reduce((sum, p) => sum + p.lost, 0),
			seconds,
			servedPerS: served / seconds,
			stats: latencyStats(latencies),
			notes: parts.flatMap((p) => p.notes),
			genLagMaxMs: Math.max(...parts.map((p) => p.genLagMaxMs)),
			latencies
		};
	};
	const real = merge(reports.map((r) => r.measured));
	return {
		warm: merge(reports.map((r) => ({ ...r.warm, latencies: [] }))),
		real,
		refused: reports.reduce((sum, r) => sum + r.refused, 0),
		newConnections: reports.reduce((sum, r) => sum + r.connections - r.connectionsAtMeasuredStart, 0),
		cpuPerBeat: real.served ? cpu / real.served : 0
	};
}
const run = skipRealistic ? null : await realisticRun();
const real = run?.real ?? null;
// the learners' leases began with the warm-up beats
const wall = real ? WARM_INTERVALS * INTERVAL + real.seconds : 0;
if (run) {
	console.log(`warm-up (not measured): beats=${run.warm.offered} served=${run.warm.served} lost=${run.warm.lost} generators=${GENERATORS}`);
	console.log(
		`app: offered=${run.real.offered} served=${run.real.served} lost=${run.real.lost} refused=${run.refused} per_s=${run.real.servedPerS.toFixed(0)} p50_ms=${run.real.stats.p50.toFixed(1)} p95_ms=${run.real.stats.p95.toFixed(1)} p99_ms=${run.real.stats.p99.toFixed(1)} max_ms=${run.real.stats.max.toFixed(1)} new_connections=${run.newConnections} server_cpu_ms_per_beat=${run.cpuPerBeat.toFixed(3)} gen_lag_max_ms=${run.real.genLagMaxMs.toFixed(0)}${run.real.notes.length ? ` (${run.real.notes.slice(0, 2).join(' | ')})` : ''}`
	);
}
// Correctness: nobody was credited more than the wall time of the realistic run.
const over = await sql<{ n: number }>`select count(*)::int as n from lesson_progress where credited_seconds > ${Math.ceil(wall) + 1}`.execute(db);
const events = await sql<{ n: number }>`select count(*)::int as n from study_events`.execute(db);
console.log(`checks: over_credited=${over.rows[0]!.n} study_events=${events.rows[0]!.n}`);

// (b) capacity, continuing round-robin over the learners — after the 20,000 browsers' connections have
// closed (the server's work on closing them is not the steps')
if (run) await new Promise((r) => setTimeout(r, 5000));
const capacityRun = await stepTest(STEPS, STEP_SECONDS, (k) => beat(k % LEARNERS), (line) => console.log(line), () => serverCpuMs(server.proc.pid!));
if (client.retried()) console.log(`retried once after ECONNRESET on a reused keep-alive socket: ${client.retried()}`);
await server.stop();
client.destroy();

// --- baselines, 16 clients each, no HTTP ---
// (c1) the same two statements the app runs (read state, compare-and-set write) through Kysely.
const rawDb = (await openDatabase({ kind: 'postgres', url, max: 16 })).db;
const rawSeconds = 8;
let rawDone = 0;
const rawPg = postgresCpu();
const rawStart = performance.now();
async function rawWorker(w: number) {
	for (let k = w; performance.now() - rawStart < rawSeconds * 1000; k += 16) {
		const l = learners[k % learners.length]!;
		const state = await readBeatState(rawDb, l.person_id!, l.enrolment_id, lesson.id);
		const at = new Date();
		await writeBeat(rawDb, {
			personId: l.person_id!,
			enrolmentId: l.enrolment_id,
			lessonId: lesson.id,
			now: at,
			expectedVersion: state.lease?.version ?? null,
			lease: { enrolment_id: l.enrolment_id, lesson_id: lesson.id, tab_id: 'raw', started_at: at, last_beat_at: at, seconds_to_check: 600, released_at: null },
			client: { ip: null, device: null },
			progress: { credited_seconds: (state.progress?.credited_seconds ?? 0) + 1, watched_seconds: 0, reached_end: false, completed_at: null },
			event: { tabId: 'raw', kind: 'beat', credited: 1, reason: null, position: null, rate: null },
			issueCheck: null,
			endCheck: null,
			lessonCompleted: false
		});
		rawDone++;
	}
}
await Promise.all(Array.from({ length: 16 }, (_, w) => rawWorker(w)));
const rawPerS = rawDone / ((performance.now() - rawStart) / 1000);
const rawPgPerBeat = rawPg.ms() / Math.max(1, rawDone);
await rawDb.destroy();

// (c2) the beat's semantic core in one statement: the session (not expired, user not disabled) is
// the learner's; the learner's lease is taken or continued by compare-and-set on its version;
// the lesson's credit grows by the time since the last beat (at most the interval); the event is
// appended. What the app adds: HTTP, SvelteKit, JSON, validation, the rules and its round trips.
const ONE_STATEMENT = `
	with me as (
		select u.person_id from sessions s join users u on u.id = s.user_id
		where s.id = $1 and s.expires_at > $4 and not u.disabled
	),
	target as (
		select e.id as enrolment_id, $3::int as lesson_id, me.person_id from me join enrolments e on e.id = $2 and e.person_id = me.person_id
	),
	prev as (select sl.person_id, sl.version, sl.last_beat_at from study_leases sl join target t on t.person_id = sl.person_id),
	lease as (
		insert into study_leases (person_id, enrolment_id, lesson_id, tab_id, started_at, last_beat_at, seconds_to_check, version)
		select person_id, enrolment_id, lesson_id, 'one', $4, $4, 600, 0 from target
		on conflict (person_id) do update set last_beat_at = excluded.last_beat_at, version = study_leases.version + 1
		where study_leases.version = (select version from prev)
		returning person_id
	),
	credit as (
		select least(${INTERVAL}, greatest(0, extract(epoch from $4 - coalesce((select last_beat_at from prev), $4))))::int as s
	),
	prog as (
		insert into lesson_progress (enrolment_id, lesson_id, credited_seconds, watched_seconds, reached_end, first_at, last_at)
		select t.enrolment_id, t.lesson_id, (select s from credit), 0, false, $4, $4 from target t join lease on true
		on conflict (enrolment_id, lesson_id) do update set credited_seconds = lesson_progress.credited_seconds + excluded.credited_seconds, last_at = excluded.last_at
		returning 1
	)
	insert into study_events (at, person_id, enrolment_id, lesson_id, tab_id, kind, credited_seconds)
	select $4, t.person_id, t.enrolment_id, t.lesson_id, 'one', 'beat', (select s from credit) from target t join lease on true
	returning 1`;
const pool = new pg.Pool({ connectionString: url, max: 16 });
const sessionIds = tokens.map((t) => t.split('.')[0]!);
let oneDone = 0;
let oneMissed = 0;
const onePg = postgresCpu();
const oneStart = performance.now();
await Promise.all(
	Array.from({ length: 16 }, async (_, w) => {
		for (let k = w; performance.now() - oneStart < rawSeconds * 1000; k += 16) {
			const i = k % learners.length;
			const r = await pool.query({ name: 'bench-one-beat', text: ONE_STATEMENT, values: [sessionIds[i], learners[i]!.enrolment_id, lesson.id, new Date()] });
			if (!r.rowCount) oneMissed++;
			oneDone++;
		}
	})
);
const onePerS = oneDone / ((performance.now() - oneStart) / 1000);
const onePgPerBeat = onePg.ms() / Math.max(1, oneDone);
await pool.end();
await database.close();

console.log(`baseline: raw_pg_beats_per_s=${rawPerS.toFixed(0)} pg_cpu_ms_per_beat=${rawPgPerBeat.toFixed(3)} (16 clients, the app's read + compare-and-set write via Kysely, no HTTP/session/rules)`);
console.log(`baseline: one_statement_per_s=${onePerS.toFixed(0)} pg_cpu_ms_per_beat=${onePgPerBeat.toFixed(3)} (16 clients, session + lease CAS + credit + event in one prepared statement${oneMissed ? `; ${oneMissed} lost the CAS race` : ''})`);
console.log(`learners=${LEARNERS} heartbeats_per_s=${(real?.servedPerS ?? 0).toFixed(0)} p99_ms=${(real?.stats.p99 ?? 0).toFixed(0)} capacity_per_s=${capacityRun.capacity}`);
process.exit(over.rows[0]!.n > 0 ? 1 : 0);
