// --prefill N for bench:exam and bench:study (issue 17): N historic rows generated in SQL
// (generate_series), spread evenly over the past --prefill-months months (default 12), written
// into the real partitioned tables through their parents (so routing, indexes, foreign keys and the
// append-only triggers all apply), in batches of 1,000,000 committed one by one. Then VACUUM
// ANALYZE, and the table + index bytes per row of each table are printed:
//   prefill: table=<t> rows=<n> seconds=<s> rows_per_s=<n> heap_bytes_per_row=<n> index_bytes_per_row=<n> total_bytes_per_row=<n>
import { sql } from 'kysely';
import { performance } from 'node:perf_hooks';
import type { Db } from '../src/lib/server/db/index.ts';
import { addMonths, createPartitions, monthStart } from '../src/lib/server/jobs/partitions.ts';
import { numberArg } from './support.ts';

const BATCH = 1_000_000;
const STEPS_PER_ATTEMPT = 100;
// one proctoring event per this many answer steps (started, page_hidden, submitted …)
const STEPS_PER_EVENT = 10;

export const prefillArg = () => numberArg('prefill', 0);
const monthsArg = () => numberArg('prefill-months', 12);

async function pastMonths(db: Db, now: Date): Promise<{ from: Date; spanSeconds: number }> {
	const months = monthsArg();
	const first = addMonths(monthStart(now), -months);
	await createPartitions(db, Array.from({ length: months + 1 }, (_, i) => addMonths(first, i)));
	return { from: first, spanSeconds: Math.floor((now.getTime() - first.getTime()) / 1000) - 3600 };
}

async function inBatches(label: string, total: number, batch: number, insert: (offset: number, n: number) => Promise<void>): Promise<number> {
	const t = performance.now();
	for (let offset = 0; offset < total; offset += batch) {
		await insert(offset, Math.min(batch, total - offset));
		if (total > batch) console.log(`prefill: ${label} ${Math.min(offset + batch, total)}/${total} ${((performance.now() - t) / 1000).toFixed(0)} s`);
	}
	return (performance.now() - t) / 1000;
}

/** N study_events rows ('beat', 30 s credited) of the persons already in the database. */
export async function prefillStudyEvents(db: Db, total: number, now: Date): Promise<void> {
	if (total <= 0) return;
	const { from, spanSeconds } = await pastMonths(db, now);
	const seconds = await inBatches('study_events', total, BATCH, async (offset, n) => {
		await sql`
			with p as (select array_agg(id order by id) as ids from persons)
			insert into study_events (at, person_id, enrolment_id, lesson_id, tab_id, kind, credited_seconds, position, playback_rate, reason, ip, device)
			select ${from}::timestamptz + make_interval(secs => (g::float8 / ${total}) * ${spanSeconds}),
				p.ids[(1 + g % cardinality(p.ids))::int], 1 + (g * 7919) % 500000, 1 + g % 5000, 'tab-' || (g % 100000), 'beat', 30,
				(g % 3600)::numeric, 1.00, null, '10.' || (g % 250) || '.' || ((g / 250) % 250) || '.' || (g % 200), 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120'
			from p, generate_series(${offset}::bigint, ${offset + n - 1}::bigint) as g`.execute(db);
	});
	await report(db, 'study_events', total, seconds);
}

/**
 * N exam_answer_steps rows: N / 100 finished practice attempts of the persons and the first paper in
 * the database, 100 steps each, plus one exam_events row per 10 steps.
 */
export async function prefillExamHistory(db: Db, total: number, now: Date): Promise<void> {
	if (total <= 0) return;
	const { from, spanSeconds } = await pastMonths(db, now);
	const attempts = Math.ceil(total / STEPS_PER_ATTEMPT);
	const t = performance.now();
	const { rows } = await sql<{ lo: number; hi: number }>`
		with p as (select array_agg(id order by id) as ids from persons), paper as (select min(id) as id from exam_papers),
		ins as (
			insert into exam_attempts (mode, person_id, paper_id, status, finish_reason, started_at, deadline_at, finished_at, created_at, client_id)
			select 'practice', p.ids[(1 + g % cardinality(p.ids))::int], paper.id, 'finished', 'submitted', s, s + interval '1 hour', s + interval '40 minutes', s, 'prefill'
			from p, paper, generate_series(0, ${attempts - 1}) as g,
				lateral (select ${from}::timestamptz + make_interval(secs => (g::float8 / ${attempts}) * ${spanSeconds})) as t(s)
			returning id
		)
		select min(id) as lo, max(id) as hi from ins`.execute(db);
	const lo = rows[0]!.lo;
	console.log(`prefill: exam_attempts rows=${attempts} seconds=${((performance.now() - t) / 1000).toFixed(1)}`);
	const perBatch = Math.max(1, Math.floor(BATCH / STEPS_PER_ATTEMPT));
	const stepSeconds = await inBatches('exam_answer_steps', attempts, perBatch, async (offset, n) => {
		await sql`
			insert into exam_answer_steps (attempt_id, seq, slot, response, client_at, received_at, attempt_started_at)
			select a.id, k, 1 + (k * 37) % 100, case when k % 3 = 0 then '["A","C"]'::jsonb else '"B"'::jsonb end,
				a.started_at + make_interval(secs => k * 20), a.started_at + make_interval(secs => k * 20 + 0.2), a.started_at
			from exam_attempts a, generate_series(1, ${STEPS_PER_ATTEMPT}) as k
			where a.id between ${lo + offset} and ${lo + offset + n - 1}`.execute(db);
	});
	const eventSeconds = await inBatches('exam_events', attempts, perBatch, async (offset, n) => {
		await sql`
			insert into exam_events (attempt_id, at, source, kind, detail)
			select a.id, a.started_at + make_interval(secs => k * 200), case when k = 1 then 'server' else 'client' end,
				case when k = 1 then 'started' else 'page_hidden' end, case when k = 1 then '{"ip":"10.0.0.1"}'::jsonb else '{}'::jsonb end
			from exam_attempts a, generate_series(1, ${STEPS_PER_ATTEMPT / STEPS_PER_EVENT}) as k
			where a.id between ${lo + offset} and ${lo + offset + n - 1}`.execute(db);
	});
	await report(db, 'exam_answer_steps', attempts * STEPS_PER_ATTEMPT, stepSeconds);
	await report(db, 'exam_events', attempts * (STEPS_PER_ATTEMPT / STEPS_PER_EVENT), eventSeconds);
}

async function report(db: Db, table: string, rows: number, seconds: number): Promise<void> {
	await sql.raw(`vacuum analyze ${table}`).execute(db);
	const { rows: size } = await sql<{ heap: string; indexes: string; n: string }>`
		select sum(pg_table_size(relid))::bigint as heap, sum(pg_indexes_size(relid))::bigint as indexes,
			(select count(*) from ${sql.table(table)})::bigint as n
		from pg_partition_tree(${table}::regclass) where isleaf`.execute(db);
	const n = Number(size[0]!.n);
	const heap = Number(size[0]!.heap) / n;
	const idx = Number(size[0]!.indexes) / n;
	console.log(
		`prefill: table=${table} rows=${rows} total_rows=${n} seconds=${seconds.toFixed(1)} rows_per_s=${Math.round(rows / seconds)} heap_bytes_per_row=${heap.toFixed(1)} index_bytes_per_row=${idx.toFixed(1)} total_bytes_per_row=${(heap + idx).toFixed(1)}`
	);
}
