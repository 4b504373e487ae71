// npm run bench:certs — 1,000 certificate PDFs rendered one by one in this process (one core), then
// the public verification endpoint of the built server on PostgreSQL (BENCH_DATABASE_URL, wiped),
// sequential and with 4 concurrent clients. Options: --pdfs 1000 --lookups 2000 --clients 4
// Last line: pdfs=<n> pdf_per_s=<n> verify_p99_ms=<n> (p99 of the sequential run).
process.env.ANXUN_KEY_ENCRYPTION_KEY ??= 'd'.repeat(64);
import { benchDatabaseUrl, ensureBuilt, numberArg, openWipedDatabase } from './support.ts';
import { sql } from 'kysely';
import { performance } from 'node:perf_hooks';
import http from 'node:http';
import { startServer } from '../tests/support/server.ts';
import { makeBlueprint, makeEnterprise, makeSession } from '../tests/support/cert-factories.ts';
import { decideCertificates, proposeCertificates } from '../src/lib/server/certificates/issue-service.ts';
import { SYSTEM_ACTOR } from '../src/lib/server/audit/actor.ts';
import { certificateConfigFromEnv } from '../src/lib/server/certificates/rules.ts';
import { loadPrints } from '../src/lib/server/certificates/certificates.query.ts';
import { renderCertificatesPdf } from '../src/lib/server/certificates/certificate-pdf.ts';

const url = benchDatabaseUrl();
const arg = numberArg;
const PDFS = arg('pdfs', 1000);
const LOOKUPS = arg('lookups', 2000);
const CLIENTS = arg('clients', 4);

ensureBuilt();

const database = await openWipedDatabase(url);
const db = database.db;

// --- fixtures: PDFS people who passed one special-work session (no course), proposed and approved ---
const config = certificateConfigFromEnv({});
const now = new Date();
let t0 = performance.now();
const inst = await db.insertInto('organisations').values({ kind: 'institution', name: '基准培训中心', region_code: '500112' }).returning('id').executeTakeFirstOrThrow();
const reg = await db.insertInto('organisations').values({ kind: 'regulator', name: '基准应急管理局', region_code: '500112' }).returning('id').executeTakeFirstOrThrow();
const ent = await makeEnterprise(db, '500112007', '基准企业');
const session = await makeSession(db, inst.id, await makeBlueprint(db, inst.id, 'special_work'), null);
const ids = Array.from({ length: PDFS }, (_, i) => i);
const idNumbers = ids.map((i) => `5001121990${String(i).padStart(7, '0')}X`.slice(0, 18));
await sql`insert into persons (name, id_number, org_id, role_category, special_operation_code)
	select '学员' || n, idn, ${ent}, 'special_worker', '1.2' from unnest(${ids}::int[], ${idNumbers}::text[]) as t(n, idn)`.execute(db);
await sql`insert into exam_candidates (session_id, person_id, added_at) select ${session}, id, now() from persons where org_id = ${ent}`.execute(db);
const paper = await db.insertInto('exam_papers').values({ session_id: session, seed: 'bench', slots: '[]', total_points: '100', created_at: now }).returning('id').executeTakeFirstOrThrow();
await sql`insert into exam_attempts (mode, session_id, candidate_id, person_id, paper_id, status, finish_reason, started_at, finished_at, score, passed, created_at)
	select 'exam', ${session}, c.id, c.person_id, ${paper.id}, 'finished', 'submitted', now(), now(), 90, true, now() from exam_candidates c where c.session_id = ${session}`.execute(db);
const attempts = (await db.selectFrom('exam_attempts').select('id').where('session_id', '=', session).execute()).map((a) => a.id);
const proposed = await proposeCertificates(db, { ...SYSTEM_ACTOR, role: 'institution_admin', orgId: inst.id }, session, attempts, now, config);
const issued = await decideCertificates(db, { ...SYSTEM_ACTOR, role: 'regulator', orgId: reg.id, regionPath: '/500000/500112/' }, proposed.done.map((d) => d.id), 'approve', null, now, config);
console.log(`fixtures: certificates=${issued.done.length} setup_ms=${Math.round(performance.now() - t0)} (propose + number + sign Ed25519 & SM2)`);

// --- PDFs: one file per certificate, as a learner's download renders it ---
const prints = await loadPrints(db, issued.done.map((d) => d.id));
await renderCertificatesPdf([prints[0]!], 'https://anxun.example', now); // font load, not timed
t0 = performance.now();
let bytes = 0;
for (const p of prints) bytes += (await renderCertificatesPdf([p], 'https://anxun.example', now)).length;
const pdfSeconds = (performance.now() - t0) / 1000;
const pdfPerSecond = prints.length / pdfSeconds;
console.log(`pdf: files=${prints.length} seconds=${pdfSeconds.toFixed(2)} per_s=${pdfPerSecond.toFixed(1)} avg_kb=${(bytes / prints.length / 1024).toFixed(0)}`);
t0 = performance.now();
const batch = await renderCertificatesPdf(prints.slice(0, 200), 'https://anxun.example', now);
console.log(`pdf batch: pages=200 seconds=${((performance.now() - t0) / 1000).toFixed(2)} mb=${(batch.length / 1048576).toFixed(1)}`);
await database.close();

// --- verification endpoint on the built server ---
const server = await startServer({ DATABASE_URL: url, ANXUN_SEED: 'none', ANXUN_VERIFY_LIMIT_PER_MINUTE: '1000000' });
const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
const numbers = prints.map((p) => `${p.signed.payload.number}?s=${p.signed.proof.ed25519.sig}`);
function get(path: string): Promise<number> {
	return new Promise((resolve, reject) => {
		const started = performance.now();
		http.get(`${server.url}${path}`, { agent }, (res) => {
			res.resume();
			res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - started) : reject(new Error(`HTTP ${res.statusCode} for ${path}`))));
		}).on('error', reject);
	});
}
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
for (let i = 0; i < 100; i++) await get(`/api/verify/${numbers[i % numbers.length]}`); // warm-up
const seq: number[] = [];
t0 = performance.now();
for (let i = 0; i < LOOKUPS; i++) seq.push(await get(`/api/verify/${numbers[(i * 7919) % numbers.length]}`));
console.log(`verify sequential: n=${LOOKUPS} per_s=${(LOOKUPS / ((performance.now() - t0) / 1000)).toFixed(0)} p50_ms=${pct(seq, 0.5).toFixed(1)} p99_ms=${pct(seq, 0.99).toFixed(1)}`);
const conc: number[] = [];
t0 = performance.now();
let next = 0;
await Promise.all(
	Array.from({ length: CLIENTS }, async () => {
		while (next < LOOKUPS) conc.push(await get(`/api/verify/${numbers[(next++ * 104729) % numbers.length]}`));
	})
);
console.log(`verify clients=${CLIENTS}: n=${conc.length} per_s=${(conc.length / ((performance.now() - t0) / 1000)).toFixed(0)} p50_ms=${pct(conc, 0.5).toFixed(1)} p99_ms=${pct(conc, 0.99).toFixed(1)}`);
agent.destroy();
await server.stop();
console.log(`pdfs=${prints.length} pdf_per_s=${pdfPerSecond.toFixed(1)} verify_p99_ms=${pct(seq, 0.99).toFixed(1)}`);
