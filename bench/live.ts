// npm run bench:live — N viewers of one live class beating against the built server on
// PostgreSQL (BENCH_DATABASE_URL, wiped), with a real stream running: nginx-rtmp started here and
// ffmpeg pushing a test pattern with a key issued by Anxun (the publish goes through on_publish).
// Viewers beat every --interval seconds, spread evenly; then a closed loop of question posts.
// The same run measures raw PostgreSQL doing the beat's read + compare-and-set write.
// Options: --viewers 2000 --seconds 60 --interval 30
import { benchDatabaseUrl, ensureBuilt, numberArg, openWipedDatabase } from './support.ts';
import { sql } from 'kysely';
import { performance } from 'node:perf_hooks';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { openDatabase } from '../src/lib/server/db/index.ts';
import { createSession, SESSION_COOKIE } from '../src/lib/server/auth/session.ts';
import { startServer } from '../tests/support/server.ts';
import { insertLiveClass, readLiveBeatState, writeLiveBeat } from '../src/lib/server/live/live.repository.ts';
import { findLiveClass } from '../src/lib/server/live/live.repository.ts';
import { issueStreamKey } from '../src/lib/server/live/live-service.ts';
import { playToken } from '../src/lib/server/live/play-token.ts';
import { ffmpegAvailable, liveServerAvailable, pushTestPattern, startLiveServer } from '../scripts/live-server.mjs';

const url = benchDatabaseUrl();
const VIEWERS = numberArg('viewers', 2000);
const SECONDS = numberArg('seconds', 60);
const INTERVAL = numberArg('interval', 30);
const RTMP_PORT = numberArg('rtmp-port', 19352);
const HTTP_PORT = numberArg('http-port', 18082);

ensureBuilt();
if (!liveServerAvailable() || !ffmpegAvailable()) {
	console.error('bench:live needs nginx with the RTMP module and ffmpeg: apt-get install -y nginx-light libnginx-mod-rtmp ffmpeg');
	process.exit(1);
}

const database = await openWipedDatabase(url);
const db = database.db;
const t0 = performance.now();
const now = new Date();
const org = await db.insertInto('organisations').values({ kind: 'enterprise', name: '基准企业', region_code: '500112', industry_code: 'it_machinery' }).returning('id').executeTakeFirstOrThrow();
const inst = await db.insertInto('organisations').values({ kind: 'institution', name: '基准机构', region_code: '500112' }).returning('id').executeTakeFirstOrThrow();
const lecturer = await db.insertInto('users').values({ display_name: '主讲人', mobile: '13900000001', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow();
await db.insertInto('memberships').values({ user_id: lecturer.id, role: 'institution_admin', org_id: inst.id }).execute();
const ids = Array.from({ length: VIEWERS }, (_, i) => i);
const idNumbers = ids.map((i) => `5001121990${String(i).padStart(7, '0')}X`.slice(0, 18));
await sql`insert into persons (name, id_number, org_id, role_category)
	select '学员' || n, idn, ${org.id}, 'frontline' from unnest(${ids}::int[], ${idNumbers}::text[]) as t(n, idn)`.execute(db);
await sql`insert into users (person_id, display_name, id_number, password_hash) select id, name, id_number, 'x' from persons where org_id = ${org.id}`.execute(db);
await sql`insert into memberships (user_id, role, org_id) select u.id, 'learner', ${org.id} from users u join persons p on p.id = u.person_id`.execute(db);
const viewers = await db
	.selectFrom('users as u')
	.innerJoin('memberships as m', 'm.user_id', 'u.id')
	.select(['u.id as user_id', 'm.id as membership_id', 'u.person_id'])
	.where('m.role', '=', 'learner')
	.orderBy('u.id')
	.execute();
const tokens: string[] = [];
for (let i = 0; i < viewers.length; i += 200) {
	const batch = await Promise.all(viewers.slice(i, i + 200).map((v) => createSession(db, v.user_id, v.membership_id, now)));
	tokens.push(...batch.map((b) => b.token));
}
const classId = await insertLiveClass(db, {
	owner_org_id: inst.id,
	title: '基准直播',
	lecturer_user_id: lecturer.id,
	starts_at: new Date(now.getTime() - 60_000),
	ends_at: new Date(now.getTime() + 3 * 3600_000),
	audience: { orgIds: [org.id], roleCategories: [], personIds: [] },
	credit_hours: 2,
	signin_before_minutes: 15,
	signin_after_minutes: 120,
	replay_rule: 'live_only',
	playback_name: `c${randomBytes(12).toString('hex')}`,
	created_by: lecturer.id,
	created_at: now,
	rollcall_rule: null
});
console.log(`fixtures: viewers=${viewers.length} setup_ms=${Math.round(performance.now() - t0)}`);

// --- the app and the streaming server, with a stream running ---
const liveDir = mkdtempSync(join(tmpdir(), 'anxun-bench-live-'));
const secret = randomBytes(18).toString('base64url');
const server = await startServer({
	DATABASE_URL: url,
	ANXUN_SEED: 'none',
	ANXUN_STUDY_INTERVAL_SECONDS: String(INTERVAL),
	ANXUN_LIVE_RTMP_URL: `rtmp://127.0.0.1:${RTMP_PORT}/live`,
	ANXUN_LIVE_PLAY_URL: `http://127.0.0.1:${HTTP_PORT}`,
	ANXUN_LIVE_CALLBACK_SECRET: secret,
	ANXUN_LIVE_RECORD_DIR: join(liveDir, 'rec')
});
const live = await startLiveServer({ rtmpPort: RTMP_PORT, httpPort: HTTP_PORT, anxunUrl: server.url, dir: liveDir, secret });
const cls = (await findLiveClass(db, classId))!;
const { streamKey } = await issueStreamKey(db, { userId: lecturer.id, orgId: inst.id, role: 'institution_admin', personId: null, ip: null }, cls, new Date());
const push = pushTestPattern(`rtmp://127.0.0.1:${RTMP_PORT}/live/${streamKey}`);
for (let i = 0; i < 100; i++) {
	const p = await db.selectFrom('live_stream_periods').select('id').where('class_id', '=', classId).where('ended_at', 'is', null).executeTakeFirst();
	if (p) break;
	await new Promise((r) => setTimeout(r, 100));
}
let playlist: Response | null = null;
for (let i = 0; i < 40 && playlist?.status !== 200; i++) {
	await new Promise((r) => setTimeout(r, 250));
	playlist = await fetch(`http://127.0.0.1:${HTTP_PORT}/hls/${cls.playback_name}.m3u8?t=${playToken(secret, cls.playback_name, 'bench', new Date(Date.now() + 600_000))}`).catch(() => null);
}
console.log(`stream: up=${!!(await db.selectFrom('live_stream_periods').select('id').where('class_id', '=', classId).executeTakeFirst())} playlist_status=${playlist?.status ?? 'none'}`);

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const target = new URL(server.url);
function post(path: string, i: number, payload: unknown): Promise<{ status: number; text: string }> {
	const body = JSON.stringify(payload);
	return new Promise((resolve, reject) => {
		const req = http.request(
			{ host: target.hostname, port: target.port, path, method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), cookie: `${SESSION_COOKIE}=${tokens[i]}` } },
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
}

const latencies: number[] = [];
let errors = 0;
let refused = 0;
let inFlight = 0;
let maxInFlight = 0;
async function beat(i: number) {
	inFlight++;
	maxInFlight = Math.max(maxInFlight, inFlight);
	const start = performance.now();
	try {
		const res = await post(`/api/live/${classId}/heartbeat`, i, { tabId: `benchtab${i}`, mode: 'live', state: 'playing' });
		if (res.status !== 200) errors++;
		else if ((JSON.parse(res.text) as { refused: unknown }).refused) refused++;
		latencies.push(performance.now() - start);
	} catch {
		errors++;
	} finally {
		inFlight--;
	}
}

// warm-up (not measured): the first requests of a fresh process pay for JIT and connection setup
for (let i = 0; i < 200; i += 20) await Promise.all(Array.from({ length: 20 }, (_, k) => beat(i + k)));
latencies.length = 0;
const offered = VIEWERS / INTERVAL;
console.log(`load: viewers=${VIEWERS} interval_s=${INTERVAL} offered_per_s=${offered.toFixed(1)} seconds=${SECONDS}`);
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
		const due = Math.floor(elapsed * offered);
		while (sent < due) pending.push(beat(sent++ % VIEWERS));
	}, 5);
});
await Promise.all(pending);
const wall = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0;

// --- questions: a closed loop of 16 clients for 5 s, each post from the next viewer ---
let asked = 0;
let askErrors = 0;
const qStart = performance.now();
await Promise.all(
	Array.from({ length: 16 }, async (_, w) => {
		for (let k = w; performance.now() - qStart < 5000; k += 16) {
			const r = await post(`/api/live/${classId}/questions`, k % VIEWERS, { body: `第 ${k} 个问题：<b>安全出口</b>在哪里？` });
			if (r.status === 200) asked++;
			else askErrors++;
		}
	})
);
const questionsPerS = asked / ((performance.now() - qStart) / 1000);

push.kill('SIGINT');
await new Promise((r) => push.once('exit', r));
await live.stop();
await server.stop();

const over = await sql<{ n: number }>`select count(*)::int as n from live_attendance where live_seconds > ${Math.ceil(wall) + INTERVAL + 5}`.execute(db);
const beats = await sql<{ n: number }>`select count(*)::int as n from live_beats`.execute(db);

// --- baseline: the same read + compare-and-set write straight to PostgreSQL, 16 clients ---
const rawDb = (await openDatabase({ kind: 'postgres', url, max: 16 })).db;
let rawDone = 0;
const rawStart = performance.now();
await Promise.all(
	Array.from({ length: 16 }, async (_, w) => {
		for (let k = w; performance.now() - rawStart < 8000; k += 16) {
			const v = viewers[k % viewers.length]!;
			const s = await readLiveBeatState(rawDb, classId, v.person_id!, new Date());
			const at = new Date();
			const next = s.att
				? { ...s.att, tab_id: 'raw', last_beat_at: at, live_seconds: s.att.live_seconds + 1 }
				: { signed_in_at: at, late: false, tab_id: 'raw', mode: 'live' as const, last_beat_at: at, released_at: null, live_seconds: 0, replay_seconds: 0, watched_seconds: 0, held_seconds: 0, held_roll_call_id: null, face_pending: false };
			await writeLiveBeat(rawDb, classId, v.person_id!, s.att?.version ?? null, next, at, {
				class_id: classId,
				person_id: v.person_id!,
				at,
				tab_id: 'raw',
				kind: 'beat',
				mode: 'live',
				credited_seconds: 1,
				reason: null,
				position: null,
				ip: null,
				device: null
			});
			rawDone++;
		}
	})
);
const rawPerS = rawDone / ((performance.now() - rawStart) / 1000);
await rawDb.destroy();
await database.close();

console.log(
	`app: requests=${latencies.length} errors=${errors} refused=${refused} max_in_flight=${maxInFlight} p50_ms=${pct(0.5).toFixed(1)} p95_ms=${pct(0.95).toFixed(1)} p99_ms=${pct(0.99).toFixed(1)} max_ms=${(latencies.at(-1) ?? 0).toFixed(1)}`
);
console.log(`questions: posted=${asked} errors=${askErrors}`);
console.log(`checks: over_credited=${over.rows[0]!.n} live_beats=${beats.rows[0]!.n}`);
console.log(`baseline: raw_pg_beats_per_s=${rawPerS.toFixed(0)} (16 clients, the same read + compare-and-set write, no HTTP/session/rules)`);
console.log(`viewers=${VIEWERS} heartbeat_p99_ms=${pct(0.99).toFixed(0)} questions_per_s=${questionsPerS.toFixed(0)}`);
process.exit(errors > 0 || over.rows[0]!.n > 0 ? 1 : 0);
