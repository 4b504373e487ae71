// npm run bench:exam — how an exam day loads the built server, on PostgreSQL (BENCH_DATABASE_URL,
// created if missing, wiped). Build first (npm run build); if build/ is missing it runs vite build.
// Fixtures: --candidates N (default 2,000) with 100-question papers prepared in advance.
//   (a) start spike: --spike candidates (default 2,000) press 开始考试 within one second
//       (POST /api/exam/sessions/{id}/start at uniformly random moments of that second) → start_p99_ms
//   (b) capacity: an open-loop step test of autosaves (POST /api/exam/attempts/{id}/sync, one answer
//       each) at --steps 100,200,400,800,1600,3200,6400 per second, --step-seconds 20 each → capacity_per_s,
//       the highest offered rate with p99 < 100 ms and nothing lost
//   (c) realistic load: for each N in --realistic (default 1000,2000,5000,10000, capped at --candidates),
//       N candidates each answering one question every 20–60 s (uniform) for --realistic-seconds 60
//       → realistic_candidates, the largest N with p99 < 100 ms and nothing lost
//   (d) baselines in the same run, no HTTP: raw single-row inserts into exam_answer_steps through pg
//       (raw_pg_per_s), and the autosave's whole semantic work — session check, attempt check, insert,
//       open warnings — as ONE SQL statement through pg (one_statement_per_s)
// Each candidate's calls go over its own keep-alive connection, as a browser's do (--pooled: the step
// test goes over one shared pool instead, as behind a proxy that pools its upstream connections).
// Options: --workers n (ANXUN_WORKERS of the server) --raw-connections 10 --raw-seconds 10 --pooled
// Last line: candidates=<n> start_p99_ms=<n> answers_per_s=<n> p50_ms=<n> p99_ms=<n> raw_pg_per_s=<n> ratio=<n> capacity_per_s=<n> realistic_candidates=<n>
//   answers_per_s: the most autosaves per second served in any step; p50_ms/p99_ms: at capacity_per_s;
//   ratio: capacity_per_s / raw_pg_per_s.
import { prefillExamHistory, prefillArg } from './prefill.ts';
import { benchDatabaseUrl, ensureBuilt, jsonPoster, latencyStats, listArg, numberArg, openWipedDatabase, P99_GOAL_MS, postgresCpu, runOpenLoop, serverCpuMs, stepTest, type Outcome } from './support.ts';
import { sql } from 'kysely';
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { createSession, SESSION_COOKIE } from '../src/lib/server/auth/session.ts';
import { prepareSessionPapers } from '../src/lib/server/exams/paper-service.ts';
import type { StoredSlot } from '../src/lib/server/exams/attempt.ts';
import { startServer } from '../tests/support/server.ts';
import { makeBlueprint, makeExamBank } from '../tests/support/exam-factories.ts';
import { idNumberCheckChar } from '../src/lib/domain/identifiers.ts';

const url = benchDatabaseUrl();
const arg = numberArg;
const N = arg('candidates', 2000);
const SPIKE = Math.min(N, arg('spike', 2000));
const STEPS = listArg('steps', [100, 200, 400, 800, 1600, 3200, 6400]);
const STEP_SECONDS = arg('step-seconds', 20);
const REALISTIC = listArg('realistic', [1000, 2000, 5000, 10000]).filter((n) => n <= N);
const REALISTIC_SECONDS = arg('realistic-seconds', 60);
// '' = the server's default (one worker per core on PostgreSQL)
const WORKERS = process.argv.includes('--workers') ? String(arg('workers', 1)) : '';
const POOLED = process.argv.includes('--pooled');
const RAW_CONNECTIONS = arg('raw-connections', 10);
const RAW_SECONDS = arg('raw-seconds', 10);
const QUESTIONS = 100;

ensureBuilt();

const database = await openWipedDatabase(url);
const db = database.db;

const fmt = (x: number) => x.toFixed(1);

// --- fixtures: a bank (150 single, 60 multiple, 90 judge), a 100-question blueprint, one session, N candidates ---
const t0 = performance.now();
const now = new Date();
const inst = await db.insertInto('organisations').values({ kind: 'institution', name: '基准培训机构', region_code: '500112' }).returning('id').executeTakeFirstOrThrow();
const org = await db.insertInto('organisations').values({ kind: 'enterprise', name: '基准企业', region_code: '500112', industry_code: 'it_machinery' }).returning('id').executeTakeFirstOrThrow();
// the bank, blueprint and answer keys of the tests' exam factories (tests/support/exam-factories.ts)
const bank = await makeExamBank(db, inst.id, { single: 150, multiple: 60, judge: 90 });
const blueprintId = await makeBlueprint(
	db,
	inst.id,
	[bank.id],
	{
		sections: [
			{ type: 'single', count: 50, points: 1 },
			{ type: 'multiple', count: 20, points: 1 },
			{ type: 'judge', count: 30, points: 1 }
		],
		durationMinutes: 120
	},
	'基准组卷'
);
const session = await db
	.insertInto('exam_sessions')
	.values({
		owner_org_id: inst.id,
		blueprint_id: blueprintId,
		name: '基准场次',
		mode: 'online',
		opens_at: new Date(now.getTime() - 60_000),
		closes_at: new Date(now.getTime() + 4 * 3600_000),
		paper_mode: 'per_candidate',
		max_attempts: null,
		review_policy: 'none',
		created_at: now
	})
	.returning('id')
	.executeTakeFirstOrThrow();
const ids = Array.from({ length: N }, (_, i) => i);
// Valid 身份证号 (eligibility checks them): a birth day per 1,000 candidates, a sequence number within it.
const idNumbers = ids.map((i) => {
	const birth = new Date(Date.UTC(1980, 0, 1) + Math.floor(i / 1000) * 86_400_000).toISOString().slice(0, 10).replace(/-/g, '');
	const first17 = `500112${birth}${String(i % 1000).padStart(3, '0')}`;
	return first17 + idNumberCheckChar(first17);
});
await sql`insert into persons (name, id_number, org_id, role_category)
	select '考生' || n, idn, ${org.id}, 'frontline' from unnest(${ids}::int[], ${idNumbers}::text[]) as t(n, idn)`.execute(db);
await sql`insert into users (person_id, display_name, id_number, password_hash) select id, name, id_number, 'x' from persons where org_id = ${org.id}`.execute(db);
await sql`insert into memberships (user_id, role, org_id) select id, 'learner', ${org.id} from users`.execute(db);
await sql`insert into exam_candidates (session_id, person_id, added_at) select ${session.id}, id, now() from persons where org_id = ${org.id}`.execute(db);
const learners = await db.selectFrom('users as u').innerJoin('memberships as m', 'm.user_id', 'u.id').select(['u.id as user_id', 'm.id as membership_id', 'u.person_id']).orderBy('u.id').execute();
// Session tokens written the way a login writes them (Lucia's <id>.<secret>, hash stored), without 500 argon2 logins.
const tokens: string[] = [];
for (let i = 0; i < learners.length; i += 200) {
	const batch = await Promise.all(learners.slice(i, i + 200).map((l) => createSession(db, l.user_id, l.membership_id, now)));
	tokens.push(...batch.map((b) => b.token));
}
const fixturesMs = performance.now() - t0;
const tp = performance.now();
const prepared = await prepareSessionPapers(db, session.id, new Date());
const prepareMs = performance.now() - tp;
// Each candidate's paper (read by the load generator only, to answer with valid options), kept as
// what answering needs — slot number, type, option order — with the few distinct type × order pairs
// shared: 10,000 whole papers are a million objects in the generator's heap, and a full GC of them
// stalled it for ~0.3 s in the middle of a step (seen as gen_lag_max_ms and as the step's p99).
type SlotToAnswer = { slot: number; type: StoredSlot['type']; optionOrder: readonly string[] };
const answerShapes = new Map<string, SlotToAnswer>();
const papers = new Map(
	(
		await db
			.selectFrom('exam_attempts as a')
			.innerJoin('exam_papers as p', 'p.id', 'a.paper_id')
			.select(['a.person_id', 'a.id', 'p.slots'])
			.where('a.session_id', '=', session.id)
			.execute()
	).map((r) => [
		r.person_id,
		{
			attemptId: r.id,
			slots: (r.slots as StoredSlot[]).map((x) => {
				const key = `${x.slot}:${x.type}:${x.optionOrder.join(',')}`;
				let shared = answerShapes.get(key);
				if (!shared) answerShapes.set(key, (shared = { slot: x.slot, type: x.type, optionOrder: [...x.optionOrder] }));
				return shared;
			})
		}
	])
);
console.log(`fixtures: candidates=${learners.length} questions_per_paper=${QUESTIONS} setup_ms=${Math.round(fixturesMs)} prepare_papers=${prepared} prepare_ms=${Math.round(prepareMs)}`);
// --prefill N: N historic rows in the partitioned history tables before the run (bench/prefill.ts)
await prefillExamHistory(db, prefillArg(), now);

// --- the app ---
const server = await startServer({
	DATABASE_URL: url,
	ANXUN_SEED: 'none',
	// the sweep only finds expired attempts; at 5 s it does not disturb the run
	ANXUN_WORKER_INTERVAL_MS: '5000',
	ANXUN_WORKERS: WORKERS,
	...(process.env.BENCH_CPU_PROF ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}` } : {})
});
const client = jsonPoster(server.url, SESSION_COOKIE, Math.max(SPIKE, 1000) + 16);
const log = (line: string) => console.log(line);

// (a) start spike: the candidates have the exam page open (keep-alive connections exist), papers prepared.
log(`warm: keep-alive connections open=${await client.warm(SPIKE)}`);
const clientIds = learners.map((_, i) => `bench-client-${i}`);
const attemptOf: number[] = [];
const startErrors: string[] = [];
async function start(i: number): Promise<Outcome> {
	const r = await client.post(`/api/exam/sessions/${session.id}/start`, tokens[i]!, { clientId: clientIds[i] });
	const body = r.json as { attemptId?: number; message?: string };
	if (r.status !== 200 || !body.attemptId) return { ok: false, note: `${r.status} ${body.message ?? ''}` };
	attemptOf[i] = body.attemptId;
	if (body.attemptId !== papers.get(learners[i]!.person_id!)?.attemptId) return { ok: false, note: `candidate ${i} got attempt ${body.attemptId}, not the prepared one` };
	return { ok: true };
}
const spikeSchedule = Array.from({ length: SPIKE }, () => Math.random() * 1000).sort((a, b) => a - b);
const spikeCpu = serverCpuMs(server.proc.pid!);
const spikePg = postgresCpu();
const spikeGen = process.cpuUsage();
const spike = await runOpenLoop(spikeSchedule, (k) => start(k), { maxInFlight: SPIKE + 1, drainMs: 60_000 });
const spikeCpuPerStart = spike.served ? (serverCpuMs(server.proc.pid!) - spikeCpu) / spike.served : 0;
const spikePgPerStart = spike.served ? spikePg.ms() / spike.served : 0;
const spikeGenUsage = process.cpuUsage(spikeGen);
const spikeGenPerStart = spike.served ? (spikeGenUsage.user + spikeGenUsage.system) / 1000 / spike.served : 0;
startErrors.push(...spike.notes);
const st = spike.stats;
log(
	`start spike: candidates=${SPIKE} within_ms=1000 served=${spike.served} lost=${spike.lost} wall_ms=${Math.round(spike.seconds * 1000)} p50_ms=${fmt(st.p50)} p95_ms=${fmt(st.p95)} p99_ms=${fmt(st.p99)} max_ms=${fmt(st.max)} server_cpu_ms_per_start=${spikeCpuPerStart.toFixed(3)} pg_cpu_ms_per_start=${spikePgPerStart.toFixed(3)} generator_cpu_ms_per_start=${spikeGenPerStart.toFixed(3)}`
);
if (spike.notes.length) log(`start errors (first 5): ${spike.notes.join(' | ')}`);
// The other candidates start too (not measured), 50 at a time.
for (let i = SPIKE; i < learners.length; i += 50) {
	const rs = await Promise.all(learners.slice(i, i + 50).map((_, j) => start(i + j)));
	for (const r of rs) if (!r.ok) startErrors.push(r.note ?? 'start failed');
}

// Autosave: candidate i sends its next answer; seq counts per candidate, slots cycle through its paper.
function responseFor(slot: SlotToAnswer, k: number): string | string[] | boolean {
	if (slot.type === 'judge') return k % 2 === 0;
	if (slot.type === 'multiple') return [slot.optionOrder[0]!, slot.optionOrder[2]!].sort();
	return slot.optionOrder[k % slot.optionOrder.length]!;
}
const nextSeq = learners.map(() => 0);
let acknowledged = 0;
/** `own`: over candidate i's own keep-alive connection (its browser), not the shared pool. */
async function answer(i: number, own = false): Promise<Outcome> {
	const paper = papers.get(learners[i]!.person_id!);
	const attemptId = attemptOf[i];
	if (!paper || !attemptId) return { ok: false, note: `candidate ${i} has no attempt` };
	const seq = ++nextSeq[i]!;
	const slot = paper.slots[(seq - 1) % paper.slots.length]!;
	const r = await client.post(
		`/api/exam/attempts/${attemptId}/sync`,
		tokens[i]!,
		{
			clientId: clientIds[i],
			answers: [{ seq, slot: slot.slot, response: responseFor(slot, seq), at: new Date().toISOString() }],
			events: []
		},
		own ? i : undefined
	);
	const body = r.json as { saved?: number[]; rejected?: unknown[]; message?: string };
	if (r.status !== 200) return { ok: false, note: `${r.status} ${body.message ?? ''}` };
	if (!body.saved?.includes(seq)) return { ok: false, note: JSON.stringify(body.rejected) };
	acknowledged++;
	return { ok: true };
}

const started = learners.map((_, i) => i).filter((i) => attemptOf[i]);
// Warm-up (not measured): each candidate's first autosave, as the page sends on opening, 20 at a time.
for (let j = 0; j < started.length; j += 20) await Promise.all(started.slice(j, j + 20).map((i) => answer(i, !POOLED)));

// (b) capacity: open-loop steps, requests spread round-robin over the candidates, each over its
// browser's own connection (--pooled: over one shared pool of connections, as a proxy's would be)
const capacityRun = await stepTest(STEPS, STEP_SECONDS, (k) => answer(started[k % started.length]!, !POOLED), log, () => serverCpuMs(server.proc.pid!));
const capacity = capacityRun.capacity;
const atCapacity = capacityRun.steps.find((s) => s.rate === capacity && s.pass)?.result;
const bestServed = Math.max(0, ...capacityRun.steps.map((s) => s.result.servedPerS));

// (c) realistic: N candidates, each answering every 20–60 s (uniform); first answers spread as a steady state would.
// Each candidate's browser keeps its own connection, as a browser does between autosaves; whether the
// server keeps it open until the next answer is the server's keep-alive timeout (ANXUN_KEEPALIVE_MS).
// Each candidate's schedule starts WARM_MS before the measured run (the exam has been going a while):
// the answers in that window are sent on the same schedule but not measured, so the measured run
// starts in the steady state, every candidate's last answer 0–60 s ago.
const WARM_MS = 40_000;
let realistic = 0;
let realisticStats: ReturnType<typeof latencyStats> | null = null;
for (const n of REALISTIC) {
	if (n > started.length) break;
	const warm: { t: number; i: number }[] = [];
	const due: { t: number; i: number }[] = [];
	for (let c = 0; c < n; c++) {
		for (let t = Math.random() * WARM_MS; t < WARM_MS + REALISTIC_SECONDS * 1000; t += 20_000 + Math.random() * 40_000) {
			if (t < WARM_MS) warm.push({ t, i: started[c]! });
			else due.push({ t: t - WARM_MS, i: started[c]! });
		}
	}
	warm.sort((a, b) => a.t - b.t);
	due.sort((a, b) => a.t - b.t);
	const warmed = await runOpenLoop(
		warm.map((d) => d.t),
		(k) => answer(warm[k]!.i, true),
		{ drainMs: 5000 }
	);
	log(`realistic warm-up (not measured): candidates=${n} answers=${warmed.offered} lost=${warmed.lost} p99_ms=${fmt(warmed.stats.p99)}`);
	const connectionsBefore = client.connections();
	const realisticCpu = serverCpuMs(server.proc.pid!);
	const result = await runOpenLoop(
		due.map((d) => d.t),
		(k) => answer(due[k]!.i, true),
		{ drainMs: 5000 }
	);
	const pass = result.lost === 0 && result.stats.p99 < P99_GOAL_MS;
	const cpuPerAnswer = result.served ? (serverCpuMs(server.proc.pid!) - realisticCpu) / result.served : 0;
	log(
		`realistic: candidates=${n} answers=${result.offered} offered_per_s=${(result.offered / REALISTIC_SECONDS).toFixed(0)} lost=${result.lost} p50_ms=${fmt(result.stats.p50)} p99_ms=${fmt(result.stats.p99)} max_ms=${fmt(result.stats.max)} new_connections=${client.connections() - connectionsBefore} server_cpu_ms_per_answer=${cpuPerAnswer.toFixed(3)} gen_lag_max_ms=${result.genLagMaxMs.toFixed(0)} ${pass ? 'PASS' : 'FAIL'}${result.notes.length ? ` (${result.notes.slice(0, 2).join(' | ')})` : ''}`
	);
	if (!pass) break;
	realistic = n;
	realisticStats = result.stats;
}
if (client.retried()) log(`retried once after ECONNRESET on a reused keep-alive socket: ${client.retried()}`);
await server.stop();
client.destroy();
// --prefill's historic rows belong to practice attempts: count the run's own (exam-mode) steps
const stored = (await sql<{ n: number }>`select count(*)::int as n from exam_answer_steps where attempt_id in (select id from exam_attempts where mode = 'exam')`.execute(db)).rows[0]!.n;
log(`checks: acknowledged_answers=${acknowledged} stored_steps=${stored} ${stored === acknowledged ? 'equal' : 'MISMATCH'}`);

// (d) baselines, same run, no HTTP: both for RAW_SECONDS, one caller per started candidate over a pg pool.
const pool = new pg.Pool({ connectionString: url, max: RAW_CONNECTIONS });
async function timed(work: (i: number, k: number) => Promise<unknown>): Promise<number> {
	let done = 0;
	const t = performance.now();
	const callers = started.slice(0, 500);
	await Promise.all(
		callers.map(async (i) => {
			for (let k = 0; performance.now() - t < RAW_SECONDS * 1000; k++) {
				await work(i, k);
				done++;
			}
		})
	);
	return done / ((performance.now() - t) / 1000);
}
const rawPerS = await timed((i, k) =>
	pool.query(`insert into exam_answer_steps (attempt_id, seq, slot, response, client_at, received_at, attempt_started_at) values ($1, $2, $3, $4::jsonb, $5, $6, $6) on conflict (attempt_id, seq, attempt_started_at) do nothing`, [
		attemptOf[i],
		1_000_000 + k,
		(k % QUESTIONS) + 1,
		JSON.stringify('A'),
		new Date(),
		new Date()
	])
);
// The autosave's semantic work in one statement: the session (by id and secret hash, not expired, user
// not disabled) owns the attempt, the attempt is open for this browser, the step is inserted, open
// warnings are returned. What the app adds on top is HTTP, SvelteKit, JSON, validation and its round trips.
const sessionIds = tokens.map((t) => t.split('.')[0]!);
const ONE_STATEMENT = `
	with me as (
		select u.person_id from sessions s join users u on u.id = s.user_id
		where s.id = $1 and s.expires_at > $5 and not u.disabled
	),
	a as (
		select x.id, x.status, x.deadline_at, x.client_id, x.started_at from exam_attempts x join me on me.person_id = x.person_id where x.id = $2 for share of x
	),
	ok as (
		select id, started_at from a where status = 'in_progress' and (deadline_at is null or deadline_at + interval '5 seconds' >= $5) and (client_id is null or client_id = $3)
	),
	ins as (
		insert into exam_answer_steps (attempt_id, seq, slot, response, client_at, received_at, attempt_started_at)
		select ok.id, $4, ($4 % ${QUESTIONS}) + 1, '"A"'::jsonb, $5, $5, ok.started_at from ok
		on conflict (attempt_id, seq, attempt_started_at) do nothing returning seq
	)
	select exists (select 1 from ok) as open, (select json_agg(seq) from ins) as written,
		(select json_agg(json_build_object('id', w.id, 'message', w.message)) from exam_actions w
			where w.attempt_id = $2 and w.kind = 'warn' and w.acknowledged_at is null) as warnings`;
let oneStatementMisses = 0;
const onePerS = await timed(async (i, k) => {
	const r = await pool.query({ name: 'bench-one-statement', text: ONE_STATEMENT, values: [sessionIds[i], attemptOf[i], clientIds[i], 2_000_000 + k, new Date()] });
	if (!r.rows[0]?.open) oneStatementMisses++;
});
await pool.end();
await database.close();
log(`baseline: raw_pg_per_s=${rawPerS.toFixed(0)} (single-row insert … on conflict do nothing, autocommit, ${Math.min(500, started.length)} callers over ${RAW_CONNECTIONS} connections, ${RAW_SECONDS} s; no HTTP, session or rules)`);
log(`baseline: one_statement_per_s=${onePerS.toFixed(0)} (session + attempt check + insert + open warnings in one prepared statement, same callers and pool${oneStatementMisses ? `; ${oneStatementMisses} found the attempt closed` : ''})`);

const ratio = capacity / rawPerS;
const p = atCapacity?.stats ?? realisticStats;
console.log(
	`candidates=${N} start_p99_ms=${Math.round(st.p99)} answers_per_s=${Math.round(bestServed)} p50_ms=${Math.round(p?.p50 ?? 0)} p99_ms=${Math.round(p?.p99 ?? 0)} raw_pg_per_s=${Math.round(rawPerS)} ratio=${ratio.toFixed(2)} capacity_per_s=${capacity} realistic_candidates=${realistic}`
);
process.exit(startErrors.length || stored !== acknowledged ? 1 : 0);
