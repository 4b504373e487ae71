// npm run bench:study — simulated learners' heartbeats against the built server on PostgreSQL
// (BENCH_DATABASE_URL, wiped). Each learner beats every 30 s, spread evenly, so N learners
// offer N/30 heartbeats per second. The same run measures raw PostgreSQL doing the crediting
// transaction without the app. Options: --learners 20000 --seconds 75 --interval 30
import { benchDatabaseUrl, ensureBuilt, numberArg, openWipedDatabase } from './support.ts';
import { sql } from 'kysely';
import { performance } from 'node:perf_hooks';
import http from 'node:http';
import { openDatabase } from '../src/lib/server/db/index.ts';
import { createSession, SESSION_COOKIE } from '../src/lib/server/auth/session.ts';
import { startServer } from '../tests/support/server.ts';
import { readBeatState, writeBeat } from '../src/lib/server/study/study.repository.ts';

const url = benchDatabaseUrl();
const arg = numberArg;
const LEARNERS = arg('learners', 20_000);
const SECONDS = arg('seconds', 75);
const INTERVAL = arg('interval', 30);

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

// --- the app: N learners beating through HTTP ---
const server = await startServer({ DATABASE_URL: url, ANXUN_SEED: 'none', ...(process.env.BENCH_CPU_PROF ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}` } : {}) });
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const target = new URL(server.url);
const latencies: number[] = [];
let errors = 0;
let refused = 0;
let inFlight = 0;
let maxInFlight = 0;
const tabIds = learners.map((_, i) => `bench-tab-${i}`);

async function beat(i: number) {
	const l = learners[i]!;
	inFlight++;
	maxInFlight = Math.max(maxInFlight, inFlight);
	const start = performance.now();
	try {
		const body = JSON.stringify({ enrolmentId: l.enrolment_id, lessonId: lesson.id, tabId: tabIds[i], state: 'active' });
		const res = await new Promise<{ status: number; text: string }>((resolve, reject) => {
			const req = http.request(
				{
					host: target.hostname,
					port: target.port,
					path: '/api/study/heartbeat',
					method: 'POST',
					agent,
					headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), cookie: `${SESSION_COOKIE}=${tokens[i]}` }
				},
				(r) => {
					let text = '';
					r.setEncoding('utf8');
					r.on('data', (d) => (text += d));
					r.on('end', () => resolve({ status: r.statusCode ?? 0, text }));
				}
			);
			req.on('error', reject);
			req.end(body);
		});
		if (res.status !== 200) errors++;
		else if ((JSON.parse(res.text) as { refused: unknown }).refused) refused++;
		latencies.push(performance.now() - start);
	} catch {
		errors++;
	} finally {
		inFlight--;
	}
}

// Capacity probe: a fixed number of clients sending back-to-back (closed loop).
const CLOSED = arg('closed', 0);
if (CLOSED > 0) {
	const until = performance.now() + 10_000;
	let n = 0;
	await Promise.all(
		Array.from({ length: CLOSED }, async (_, w) => {
			for (let i = w; performance.now() < until; i += CLOSED) {
				await beat(i % LEARNERS);
				n++;
			}
		})
	);
	const lat = [...latencies].sort((a, b) => a - b);
	console.log(`closed-loop: clients=${CLOSED} per_s=${(n / 10).toFixed(0)} p50_ms=${lat[Math.floor(lat.length / 2)]?.toFixed(1)} p99_ms=${lat[Math.floor(lat.length * 0.99)]?.toFixed(1)}`);
	latencies.length = 0;
}

const offered = LEARNERS / INTERVAL;
const MAX_IN_FLIGHT = arg('max-in-flight', 1000);
let skipped = 0;
console.log(`load: learners=${LEARNERS} interval_s=${INTERVAL} offered_per_s=${offered.toFixed(0)} seconds=${SECONDS}`);
const started = performance.now();
let sent = 0;
const pending: Promise<void>[] = [];
await new Promise<void>((resolve) => {
	const timer = setInterval(() => {
		const elapsed = (performance.now() - started) / 1000;
		if (elapsed >= SECONDS) {
			clearInterval(timer);
			resolve();
			return;
		}
		// beats due by now: learner i beats at (i / N) * INTERVAL + k * INTERVAL
		const due = Math.floor(elapsed * offered);
		while (sent < due) {
			// a learner whose heartbeat cannot even be sent (server saturated) is counted, not queued forever
			if (inFlight >= MAX_IN_FLIGHT) skipped++;
			else pending.push(beat(sent % LEARNERS));
			sent++;
		}
	}, 5);
});
await Promise.all(pending);
const wall = (performance.now() - started) / 1000;
await server.stop();

latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;
const perS = latencies.length / wall;

// Correctness: nobody was credited more than the wall time of the run.
const over = await sql<{ n: number }>`select count(*)::int as n from lesson_progress where credited_seconds > ${Math.ceil(wall) + 1}`.execute(db);
const events = await sql<{ n: number }>`select count(*)::int as n from study_events`.execute(db);

// --- baseline: the same two statements (read state, compare-and-set write) straight to
// PostgreSQL at 16 clients: no HTTP, no session lookup, no rules.
const rawDb = (await openDatabase({ kind: 'postgres', url, max: 16 })).db;
const rawSeconds = 8;
let rawDone = 0;
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
await rawDb.destroy();
await database.close();

console.log(
	`app: offered=${sent} requests=${latencies.length} skipped_saturated=${skipped} errors=${errors} refused=${refused} max_in_flight=${maxInFlight} p50_ms=${pct(0.5).toFixed(1)} p95_ms=${pct(0.95).toFixed(1)} p99_ms=${pct(0.99).toFixed(1)} max_ms=${(latencies.at(-1) ?? 0).toFixed(1)}`
);
console.log(`checks: over_credited=${over.rows[0]!.n} study_events=${events.rows[0]!.n}`);
console.log(`baseline: raw_pg_beats_per_s=${rawPerS.toFixed(0)} (16 clients, the same read + compare-and-set write, no HTTP/session/rules)`);
console.log(`learners=${LEARNERS} heartbeats_per_s=${perS.toFixed(0)} p99_ms=${pct(0.99).toFixed(0)}`);
process.exit(errors > 0 || over.rows[0]!.n > 0 ? 1 : 0);
