// npm run bench:exam — N candidates (default 500) sitting one exam session through the built
// server on PostgreSQL (BENCH_DATABASE_URL, created if missing, wiped). Build first (npm run
// build); if build/ is missing the benchmark runs vite build itself.
//   (a) every candidate presses start in the same second: POST /api/exam/sessions/{id}/start
//   (b) every candidate answers its 100-question paper through POST /api/exam/attempts/{id}/sync,
//       one answer per request, think time compressed to 0–THINK ms, all N at once
//   (c) raw PostgreSQL: the same number of answer inserts into exam_answer_steps, N concurrent
//       callers through a pg pool, no HTTP, no session lookup, no rules
// Options: --candidates 500 --think 200 --raw-connections 10
// Last line: candidates=<n> start_p99_ms=<n> answers_per_s=<n> p50_ms=<n> p99_ms=<n> raw_pg_per_s=<n> ratio=<app/raw>
import { benchDatabaseUrl, ensureBuilt, numberArg, openWipedDatabase } from './support.ts';
import { sql } from 'kysely';
import pg from 'pg';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { openDatabase } from '../src/lib/server/db/index.ts';
import { createSession, SESSION_COOKIE, validateSessionToken } from '../src/lib/server/auth/session.ts';
import { loadAttemptShape, writeSync } from '../src/lib/server/exams/exam.repository.ts';
import { prepareSessionPapers } from '../src/lib/server/exams/paper-service.ts';
import type { StoredSlot } from '../src/lib/server/exams/attempt.ts';
import type { Blueprint } from '../src/lib/server/question-engine/blueprint.ts';
import { startServer } from '../tests/support/server.ts';
import { idNumberCheckChar } from '../src/lib/domain/identifiers.ts';

const url = benchDatabaseUrl();
const arg = numberArg;
const N = arg('candidates', 500);
const THINK_MS = arg('think', 200);
const RAW_CONNECTIONS = arg('raw-connections', 10);
const QUESTIONS = 100;

ensureBuilt();

const database = await openWipedDatabase(url);
const db = database.db;

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;
const stats = (xs: number[]) => {
	const s = [...xs].sort((a, b) => a - b);
	return { n: s.length, p50: pct(s, 0.5), p95: pct(s, 0.95), p99: pct(s, 0.99), max: s.at(-1) ?? 0 };
};
const fmt = (x: number) => x.toFixed(1);

// --- fixtures: a bank (150 single, 60 multiple, 90 judge), a 100-question blueprint, one session, N candidates ---
const t0 = performance.now();
const now = new Date();
const inst = await db.insertInto('organisations').values({ kind: 'institution', name: '基准培训机构', region_code: '500112' }).returning('id').executeTakeFirstOrThrow();
const org = await db.insertInto('organisations').values({ kind: 'enterprise', name: '基准企业', region_code: '500112', industry_code: 'it_machinery' }).returning('id').executeTakeFirstOrThrow();
const bank = await db.insertInto('qb_banks').values({ code: 'bench-exam', name: '基准题库', audience: JSON.stringify(['一线从业人员']), owner_org_id: inst.id, created_at: now }).returning('id').executeTakeFirstOrThrow();
const specs = [
	...Array.from({ length: 150 }, () => 'single' as const),
	...Array.from({ length: 60 }, () => 'multiple' as const),
	...Array.from({ length: 90 }, () => 'judge' as const)
];
const contents = specs.map((type, i) => ({
	id: `b-${i + 1}`,
	type,
	stem: `基准第${i + 1}题：生产经营单位应当如何落实安全生产责任制？（${type}）`,
	options: type === 'judge' ? undefined : { A: `选项甲${i}`, B: `选项乙${i}`, C: `选项丙${i}`, D: `选项丁${i}` },
	answer: type === 'judge' ? i % 2 === 0 : type === 'multiple' ? ['A', 'C'] : 'B',
	explanation: `解析${i + 1}`,
	basis: [{ source: 'aqsc-law-2021', ref: '第四条' }],
	knowledge: `k${i % 5}`,
	difficulty: 1 + (i % 5)
}));
const qids = (
	await sql<{ id: number }>`insert into qb_questions (bank_id, code, status, review_status, current_version, type, difficulty, knowledge_code, search_text, updated_at)
		select ${bank.id}, c->>'id', 'active', 'ok', 1, c->>'type', (c->>'difficulty')::int, c->>'knowledge', c->>'stem', now()
		from jsonb_array_elements(${JSON.stringify(contents)}::jsonb) with ordinality as t(c, n) order by n returning id`.execute(db)
).rows.map((r) => r.id);
await sql`insert into qb_question_versions (question_id, version, content, content_hash, basis_hashes, origin, created_at)
	select q, 1, c, 'h' || q, '{}'::jsonb, 'file', now()
	from unnest(${qids}::int[]) with ordinality as a(q, n) join jsonb_array_elements(${JSON.stringify(contents)}::jsonb) with ordinality as b(c, m) on m = n`.execute(db);
const definition: Blueprint = {
	sections: [
		{ type: 'single', count: 50, points: 1 },
		{ type: 'multiple', count: 20, points: 1 },
		{ type: 'judge', count: 30, points: 1 }
	],
	multipleScoring: 'all_or_nothing',
	durationMinutes: 120,
	totalPoints: 100,
	passMark: 80,
	shuffleQuestions: 'within_sections',
	shuffleOptions: true
};
const blueprint = await db
	.insertInto('exam_blueprints')
	.values({ owner_org_id: inst.id, name: '基准组卷', bank_ids: JSON.stringify([bank.id]), definition: JSON.stringify(definition), certificate_type: 'training', created_at: now, updated_at: now })
	.returning('id')
	.executeTakeFirstOrThrow();
const session = await db
	.insertInto('exam_sessions')
	.values({
		owner_org_id: inst.id,
		blueprint_id: blueprint.id,
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
for (let i = 0; i < learners.length; i += 100) {
	const batch = await Promise.all(learners.slice(i, i + 100).map((l) => createSession(db, l.user_id, l.membership_id, now)));
	tokens.push(...batch.map((b) => b.token));
}
const fixturesMs = performance.now() - t0;
const tp = performance.now();
const prepared = await prepareSessionPapers(db, session.id, new Date());
const prepareMs = performance.now() - tp;
// Each candidate's paper (read by the load generator only, to answer with valid options).
const papers = new Map(
	(
		await db
			.selectFrom('exam_attempts as a')
			.innerJoin('exam_papers as p', 'p.id', 'a.paper_id')
			.select(['a.person_id', 'a.id', 'p.slots'])
			.where('a.session_id', '=', session.id)
			.execute()
	).map((r) => [r.person_id, { attemptId: r.id, slots: r.slots as StoredSlot[] }])
);
console.log(`fixtures: candidates=${learners.length} questions_per_paper=${QUESTIONS} setup_ms=${Math.round(fixturesMs)} prepare_papers=${prepared} prepare_ms=${Math.round(prepareMs)}`);

// --- the app ---
const server = await startServer({
	DATABASE_URL: url,
	ANXUN_SEED: 'none',
	// the sweep only finds expired attempts; at 5 s it does not disturb the run
	ANXUN_WORKER_INTERVAL_MS: '5000',
	...(process.env.BENCH_CPU_PROF ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_CPU_PROF}` } : {})
});
const target = new URL(server.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: N + 16, maxFreeSockets: N + 16 });

let retriedResets = 0;
/** A POST; a keep-alive socket the server closed just as it was reused (ECONNRESET) is retried once, as a browser does. */
async function post(path: string, token: string, body: unknown): Promise<{ status: number; json: unknown; ms: number }> {
	try {
		return await postOnce(path, token, body);
	} catch (err) {
		if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') throw err;
		retriedResets++;
		return postOnce(path, token, body);
	}
}
function postOnce(path: string, token: string, body: unknown): Promise<{ status: number; json: unknown; ms: number }> {
	const text = JSON.stringify(body);
	const start = performance.now();
	return new Promise((resolve, reject) => {
		const req = http.request(
			{
				host: target.hostname,
				port: target.port,
				path,
				method: 'POST',
				agent,
				headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), cookie: `${SESSION_COOKIE}=${token}`, 'user-agent': 'bench-exam' }
			},
			(r) => {
				let out = '';
				r.setEncoding('utf8');
				r.on('data', (d) => (out += d));
				r.on('end', () => {
					let json: unknown = null;
					try {
						json = JSON.parse(out);
					} catch {
						json = out;
					}
					resolve({ status: r.statusCode ?? 0, json, ms: performance.now() - start });
				});
			}
		);
		req.on('error', reject);
		req.end(text);
	});
}
function get(path: string): Promise<void> {
	return new Promise((resolve) => {
		const req = http.request({ host: target.hostname, port: target.port, path, method: 'GET', agent }, (r) => {
			r.resume();
			r.on('end', () => resolve());
		});
		req.on('error', () => resolve());
		req.end();
	});
}

// Candidates have the exam page open before it starts: their keep-alive connections exist
// (opened 50 at a time: 500 connects in one burst overflow the listen backlog on this VM).
for (let i = 0; i < learners.length; i += 50) await Promise.all(learners.slice(i, i + 50).map(() => get('/healthz')));

// (a) everyone presses start in the same second
const clientIds = learners.map((_, i) => `bench-client-${i}`);
const startErrors: string[] = [];
const startLat: number[] = [];
const attemptOf: number[] = [];
const tStart = performance.now();
await Promise.all(
	learners.map(async (l, i) => {
		let r: Awaited<ReturnType<typeof post>>;
		try {
			r = await post(`/api/exam/sessions/${session.id}/start`, tokens[i]!, { clientId: clientIds[i] });
		} catch (err) {
			startErrors.push(String(err));
			return;
		}
		startLat.push(r.ms);
		const body = r.json as { attemptId?: number; resumed?: boolean; message?: string };
		if (r.status !== 200 || !body.attemptId) startErrors.push(`${r.status} ${body.message ?? ''}`);
		else attemptOf[i] = body.attemptId;
		if (body.attemptId && body.attemptId !== papers.get(l.person_id!)?.attemptId) startErrors.push(`candidate ${i} got attempt ${body.attemptId}, not the prepared one`);
	})
);
const startWall = performance.now() - tStart;
const st = stats(startLat);
console.log(`start: requests=${st.n} errors=${startErrors.length} wall_ms=${Math.round(startWall)} p50_ms=${fmt(st.p50)} p95_ms=${fmt(st.p95)} p99_ms=${fmt(st.p99)} max_ms=${fmt(st.max)}`);
if (startErrors.length) console.log(`start errors (first 5): ${startErrors.slice(0, 5).join(' | ')}`);

// (b) answers: one per request, think time 0–THINK ms, all candidates at once
function responseFor(slot: StoredSlot, k: number): string | string[] | boolean {
	if (slot.type === 'judge') return k % 2 === 0;
	if (slot.type === 'multiple') return [slot.optionOrder[0]!, slot.optionOrder[2]!].sort();
	return slot.optionOrder[k % slot.optionOrder.length]!;
}
const ansLat: number[] = [];
let ansErrors = 0;
let ansRejected = 0;
const errorSamples: string[] = [];
const tAns = performance.now();
await Promise.all(
	learners.map(async (l, i) => {
		const paper = papers.get(l.person_id!);
		const attemptId = attemptOf[i];
		if (!paper || !attemptId) return;
		for (let k = 0; k < paper.slots.length; k++) {
			await new Promise((r) => setTimeout(r, Math.random() * THINK_MS));
			const slot = paper.slots[k]!;
			try {
				const r = await post(`/api/exam/attempts/${attemptId}/sync`, tokens[i]!, {
					clientId: clientIds[i],
					answers: [{ seq: k + 1, slot: slot.slot, response: responseFor(slot, k), at: new Date().toISOString() }],
					events: []
				});
				ansLat.push(r.ms);
				const body = r.json as { saved?: number[]; rejected?: unknown[]; message?: string };
				if (r.status !== 200) {
					ansErrors++;
					if (errorSamples.length < 5) errorSamples.push(`${r.status} ${body.message ?? ''}`);
				} else if (!body.saved?.includes(k + 1)) {
					ansRejected++;
					if (errorSamples.length < 5) errorSamples.push(JSON.stringify(body.rejected));
				}
			} catch (err) {
				ansErrors++;
				if (errorSamples.length < 5) errorSamples.push(String(err));
			}
		}
	})
);
const ansWall = (performance.now() - tAns) / 1000;
const as = stats(ansLat);
const answersPerS = as.n / ansWall;
const stored = await sql<{ n: number }>`select count(*)::int as n from exam_answer_steps`.execute(db);
console.log(
	`answers: requests=${as.n} errors=${ansErrors} rejected=${ansRejected} wall_s=${ansWall.toFixed(1)} per_s=${answersPerS.toFixed(0)} p50_ms=${fmt(as.p50)} p95_ms=${fmt(as.p95)} p99_ms=${fmt(as.p99)} max_ms=${fmt(as.max)} stored_steps=${stored.rows[0]!.n} think_ms=0–${THINK_MS}`
);
if (errorSamples.length) console.log(`answer errors (first 5): ${errorSamples.join(' | ')}`);
if (retriedResets) console.log(`retried once after ECONNRESET on a reused keep-alive socket: ${retriedResets}`);
await server.stop();
agent.destroy();

// (c) raw PostgreSQL: the same number of answer inserts, N concurrent callers, through pg directly
const pool = new pg.Pool({ connectionString: url, max: RAW_CONNECTIONS });
const attemptIds = attemptOf.filter(Boolean);
let rawDone = 0;
const tRaw = performance.now();
await Promise.all(
	attemptIds.map(async (attemptId) => {
		for (let k = 0; k < QUESTIONS; k++) {
			await pool.query(
				`insert into exam_answer_steps (attempt_id, seq, slot, response, client_at, received_at) values ($1, $2, $3, $4::jsonb, $5, $6) on conflict (attempt_id, seq) do nothing`,
				[attemptId, 100_000 + k, k + 1, JSON.stringify('A'), new Date(), new Date()]
			);
			rawDone++;
		}
	})
);
const rawPerS = rawDone / ((performance.now() - tRaw) / 1000);
await pool.end();

// (c2) where the gap is: the app's own statements per answer (session lookup, then the one sync
// statement; the attempt's paper is cached after the first read) from this process through Kysely, same pool size as the server (10), no HTTP/SvelteKit.
const stmtDb = (await openDatabase({ kind: 'postgres', url, max: 10 })).db;
let stmtDone = 0;
const stmtSeconds = 20;
const tStmt = performance.now();
await Promise.all(
	attemptIds.map(async (attemptId, w) => {
		for (let k = 0; k < QUESTIONS && performance.now() - tStmt < stmtSeconds * 1000; k++) {
			const at = new Date();
			await validateSessionToken(stmtDb, tokens[attemptOf.indexOf(attemptId)]!, at);
			const shape = await loadAttemptShape(stmtDb, attemptId);
			if (!shape) throw new Error(`attempt ${attemptId} (${w}) vanished`);
			const index = attemptOf.indexOf(attemptId);
			await writeSync(stmtDb, { attemptId, clientId: clientIds[index]!, steps: [{ seq: 200_000 + k, slot: k + 1, response: null, clientAt: at }], events: [], acknowledge: [], now: at, graceSeconds: 5 });
			stmtDone++;
		}
	})
);
const stmtPerS = stmtDone / ((performance.now() - tStmt) / 1000);
await stmtDb.destroy();
await database.close();
console.log(`baseline: raw_pg_inserts=${rawDone} per_s=${rawPerS.toFixed(0)} (${attemptIds.length} concurrent callers over ${RAW_CONNECTIONS} connections; single-row insert … on conflict do nothing, autocommit; no HTTP, session lookup or rules)`);

console.log(`baseline: app_statements_per_s=${stmtPerS.toFixed(0)} (the sync's statements — session lookup and the one sync statement — via Kysely from ${attemptIds.length} callers over 10 connections, ${stmtDone} answers; no HTTP/SvelteKit/zod)`);
const ratio = answersPerS / rawPerS;
console.log(
	`candidates=${N} start_p99_ms=${Math.round(st.p99)} answers_per_s=${Math.round(answersPerS)} p50_ms=${Math.round(as.p50)} p99_ms=${Math.round(as.p99)} raw_pg_per_s=${Math.round(rawPerS)} ratio=${ratio.toFixed(2)}`
);
process.exit(startErrors.length || ansErrors || ansRejected ? 1 : 0);
