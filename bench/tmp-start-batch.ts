// temporary experiment (not committed): PostgreSQL CPU per start, one statement per start vs batches
import pg from 'pg';
import { performance } from 'node:perf_hooks';
import { sql } from 'kysely';
import { openDatabase } from '../src/lib/server/db/index.ts';
import { startEligibleAttempt } from '../src/lib/server/exams/exam.repository.ts';
import { postgresCpu } from './support.ts';
const url = process.env.BENCH_DATABASE_URL!;
const database = await openDatabase({ kind: 'postgres', url, max: 10 });
const db = database.db;
const pool = new pg.Pool({ connectionString: url, max: 10 });
const rows = (await pool.query(`select a.session_id, a.person_id, a.candidate_id from exam_attempts a where mode='exam' order by a.id limit 2000`)).rows as { session_id: number; person_id: number; candidate_id: number }[];
async function reset() {
	await pool.query(`update exam_attempts set status='ready', started_at=null, deadline_at=null, client_id=null, ip=null, user_agent=null where mode='exam'`);
	await pool.query('checkpoint');
}
const BATCH_SQL = (valid: string) => `
with r as (select * from unnest($1::int[], $2::int[], $3::text[], $4::timestamptz[]) with ordinality as r(session_id, person_id, client_id, now, ord)),
ok as (
	select r.ord, c.id as candidate_id, r.now, r.client_id,
		least(r.now + (b.definition->>'durationMinutes')::int * interval '1 minute', s.closes_at) as deadline
	from r join exam_sessions s on s.id = r.session_id
	join exam_blueprints b on b.id = s.blueprint_id
	join exam_candidates c on c.session_id = s.id and c.person_id = r.person_id
	join persons p on p.id = c.person_id
	where s.status <> 'cancelled' and s.opens_at <= r.now and r.now < s.closes_at and p.active and ${valid}
		and (not s.require_id_check or c.id_checked_at is not null) and (not s.require_webcam)
		and (coalesce(s.access_code, '') = '')
		and (s.course_id is null or exists (select 1 from enrolments e where e.course_id = s.course_id and e.person_id = c.person_id and e.status = 'active' and e.completed_at is not null))
		and not exists (select 1 from exam_attempts x where x.candidate_id = c.id and x.status = 'finished' and x.decision is distinct from 'voided' and x.passed is true)
		and (s.max_attempts is null or s.max_attempts > (select count(*) from exam_attempts x where x.candidate_id = c.id and x.status = 'finished' and x.decision is distinct from 'voided'))
),
u as (
	update exam_attempts a set status = 'in_progress', started_at = ok.now, deadline_at = ok.deadline, client_id = ok.client_id, ip = '127.0.0.1', user_agent = 'x'
	from ok where a.candidate_id = ok.candidate_id and a.status = 'ready'
	returning a.id, ok.ord, ok.now, ok.deadline
),
ev as (
	insert into exam_events (attempt_id, at, source, kind, detail)
	select u.id, u.now, 'server', 'started', jsonb_build_object('ip', '127.0.0.1', 'deadline', to_char(u.deadline at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) from u
)
select id, ord from u`;
const { VALID_ID_NUMBER_SQL } = await import('../src/lib/server/exams/exam.repository.ts');
const validText = VALID_ID_NUMBER_SQL.compile(db).sql;
async function single() {
	await reset();
	const cpu = postgresCpu();
	const t = performance.now();
	let next = 0, ok = 0;
	await Promise.all(Array.from({ length: 10 }, async () => {
		while (next < rows.length) {
			const r = rows[next++]!;
			const id = await startEligibleAttempt(db, { sessionId: r.session_id, personId: r.person_id, accessCodeUpper: '', hasPhoto: false, now: new Date(), client: { clientId: 'c' + r.person_id, ip: '127.0.0.1', userAgent: 'x' } });
			if (id) ok++;
		}
	}));
	const ms = performance.now() - t;
	console.log(`single: started=${ok} wall_ms=${ms.toFixed(0)} pg_cpu_ms_per_start=${(cpu.ms() / rows.length).toFixed(3)}`);
}
async function batched(size: number) {
	await reset();
	const cpu = postgresCpu();
	const t = performance.now();
	let next = 0, ok = 0;
	await Promise.all(Array.from({ length: 10 }, async () => {
		while (next < rows.length) {
			const part = rows.slice(next, next + size);
			next += size;
			const now = new Date();
			const res = await pool.query({ name: `batch`, text: BATCH_SQL(validText), values: [part.map((r) => r.session_id), part.map((r) => r.person_id), part.map((r) => 'c' + r.person_id), part.map(() => now)] });
			ok += res.rowCount ?? 0;
		}
	}));
	const ms = performance.now() - t;
	console.log(`batch=${size}: started=${ok} wall_ms=${ms.toFixed(0)} pg_cpu_ms_per_start=${(cpu.ms() / rows.length).toFixed(3)}`);
}
for (let round = 0; round < 2; round++) {
	await single();
	await batched(10);
	await batched(25);
}
await reset();
await pool.end();
await database.close();
void sql;
