import { sql, type Kysely } from 'kysely';

// Frozen. Issue 17: the append-only histories grow by hundreds of millions of rows a year, so they
// become monthly RANGE-partitioned tables (declarative partitioning; PGlite supports it too):
// - study_events by at (the server's clock when the beat was stored);
// - exam_events (the proctoring events) by at;
// - exam_answer_steps by attempt_started_at, a new column: the attempt's started_at, fixed for the
//   attempt's whole life. A unique key on a partitioned table must contain the partition key; with
//   received_at as the key, a retried step received after midnight on the 1st would land in the
//   next month's partition and slip past (attempt_id, seq). With a key fixed per attempt, every
//   step of an attempt lives in one partition and (attempt_id, seq, attempt_started_at) is exactly
//   as strict as (attempt_id, seq) was.
// Primary keys gain the partition key; indexes, append-only and retention triggers, checks and
// foreign keys are recreated on the parent (PostgreSQL creates them per partition). Nothing
// references these three tables, so no foreign key has to point at a partitioned table. A DEFAULT
// partition takes any row outside the created months (a client clock in 2099), so no insert fails;
// src/lib/server/jobs/partitions.ts creates the months ahead.

type Spec = { table: string; key: string; pk: string; indexes: string[]; appendOnly: string; fks: string[] };

const SPECS: Spec[] = [
	{
		table: 'study_events',
		key: 'at',
		pk: 'id, at',
		indexes: ['create index study_events_person on study_events(person_id, at)', 'create index study_events_enrolment on study_events(enrolment_id, at)'],
		appendOnly: 'study_events_append_only',
		fks: ['foreign key (person_id) references persons(id)']
	},
	{
		table: 'exam_events',
		key: 'at',
		pk: 'id, at',
		indexes: ['create index exam_events_attempt on exam_events(attempt_id, at)'],
		appendOnly: 'exam_history_append_only',
		fks: ['foreign key (attempt_id) references exam_attempts(id)']
	},
	{
		table: 'exam_answer_steps',
		key: 'attempt_started_at',
		pk: 'attempt_id, seq, attempt_started_at',
		indexes: ['create index exam_answer_steps_slot on exam_answer_steps(attempt_id, slot, seq desc)'],
		appendOnly: 'exam_history_append_only',
		fks: ['foreign key (attempt_id) references exam_attempts(id)']
	}
];

const monthStart = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const addMonths = (d: Date, n: number) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1));
const partitionName = (table: string, month: Date) => `${table}_y${month.getUTCFullYear()}m${String(month.getUTCMonth() + 1).padStart(2, '0')}`;

// The same shape as the worker's (src/lib/server/jobs/partitions.ts); migrations never import from src/.
async function createMonth(db: Kysely<any>, table: string, month: Date): Promise<void> {
	const name = partitionName(table, month);
	await sql
		.raw(`create table if not exists ${name} partition of ${table} for values from ('${month.toISOString()}') to ('${addMonths(month, 1).toISOString()}')`)
		.execute(db);
	// statement-level TRUNCATE triggers are not inherited by partitions
	await sql.raw(`create trigger ${name}_retained_truncate before truncate on ${name} for each statement execute function training_records_retained()`).execute(db);
}

async function partition(db: Kysely<any>, s: Spec, now: Date): Promise<void> {
	const { table } = s;
	const old = `${table}_unpartitioned`;
	await sql.raw(`alter table ${table} rename to ${old}`).execute(db);
	if (s.key === 'at') await sql.raw(`alter sequence ${table}_id_seq owned by none`).execute(db);
	// LIKE keeps the columns, NOT NULLs, defaults (the id sequence) and named checks (study_events_kind_check)
	const extra = table === 'exam_answer_steps' ? ', attempt_started_at timestamptz not null' : '';
	await sql.raw(`create table ${table} (like ${old} including defaults including constraints${extra}) partition by range (${s.key})`).execute(db);
	await sql.raw(`create table ${table}_default partition of ${table} default`).execute(db);
	await sql.raw(`create trigger ${table}_default_retained_truncate before truncate on ${table}_default for each statement execute function training_records_retained()`).execute(db);

	const keyExpr = table === 'exam_answer_steps' ? `(select coalesce(a.started_at, a.created_at) from exam_attempts a where a.id = o.attempt_id)` : `o.${s.key}`;
	const { rows } = await sql<{ lo: Date | null }>`select min(${sql.raw(keyExpr)}) as lo from ${sql.table(old)} o`.execute(db);
	// existing months (at most 3 years back: anything older, e.g. a client clock at 1970, stays in DEFAULT), this one and 2 ahead
	const last = addMonths(monthStart(now), 2);
	const floor = addMonths(monthStart(now), -36);
	const lo = rows[0]?.lo ? monthStart(new Date(rows[0].lo)) : monthStart(now);
	const first = lo < floor ? floor : lo > last ? last : lo;
	for (let m = first; m <= last; m = addMonths(m, 1)) await createMonth(db, table, m);

	if (table === 'exam_answer_steps') {
		await sql.raw(`insert into exam_answer_steps (attempt_id, seq, slot, response, client_at, received_at, attempt_started_at)
			select o.attempt_id, o.seq, o.slot, o.response, o.client_at, o.received_at, ${keyExpr} from ${old} o`).execute(db);
	} else {
		await sql.raw(`insert into ${table} select * from ${old}`).execute(db);
	}
	await sql.raw(`drop table ${old}`).execute(db);
	if (s.key === 'at') await sql.raw(`alter sequence ${table}_id_seq owned by ${table}.id`).execute(db);

	await sql.raw(`alter table ${table} add primary key (${s.pk})`).execute(db);
	for (const fk of s.fks) await sql.raw(`alter table ${table} add ${fk}`).execute(db);
	for (const index of s.indexes) await sql.raw(index).execute(db);
	await sql.raw(`create trigger ${table}_no_update before update or delete on ${table} for each row execute function ${s.appendOnly}()`).execute(db);
	await sql.raw(`create trigger ${table}_retained before delete on ${table} for each row execute function training_records_retained()`).execute(db);
	await sql.raw(`create trigger ${table}_retained_truncate before truncate on ${table} for each statement execute function training_records_retained()`).execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
	const { rows } = await sql<{ now: Date }>`select now() as now`.execute(db);
	const now = new Date(rows[0]!.now);
	for (const s of SPECS) await partition(db, s, now);
}

async function unpartition(db: Kysely<any>, s: Spec): Promise<void> {
	const { table } = s;
	const old = `${table}_partitioned`;
	await sql.raw(`alter table ${table} rename to ${old}`).execute(db);
	await sql.raw(`alter table ${old} rename constraint ${table}_pkey to ${old}_pkey`).execute(db);
	for (const index of s.indexes) {
		const name = index.split(' ')[2]!;
		await sql.raw(`alter index ${name} rename to ${name}_partitioned`).execute(db);
	}
	if (s.key === 'at') await sql.raw(`alter sequence ${table}_id_seq owned by none`).execute(db);
	await sql.raw(`create table ${table} (like ${old} including defaults including constraints)`).execute(db);
	if (table === 'exam_answer_steps') await sql.raw(`alter table exam_answer_steps drop column attempt_started_at`).execute(db);
	const cols = table === 'exam_answer_steps' ? 'attempt_id, seq, slot, response, client_at, received_at' : '*';
	await sql.raw(`insert into ${table} select ${cols} from ${old}`).execute(db);
	await sql.raw(`drop table ${old}`).execute(db);
	if (s.key === 'at') await sql.raw(`alter sequence ${table}_id_seq owned by ${table}.id`).execute(db);
	await sql.raw(`alter table ${table} add primary key (${table === 'exam_answer_steps' ? 'attempt_id, seq' : 'id'})`).execute(db);
	for (const fk of s.fks) await sql.raw(`alter table ${table} add ${fk}`).execute(db);
	for (const index of s.indexes) await sql.raw(index).execute(db);
	await sql.raw(`create trigger ${table}_no_update before update or delete on ${table} for each row execute function ${s.appendOnly}()`).execute(db);
	await sql.raw(`create trigger ${table}_retained before delete on ${table} for each row execute function training_records_retained()`).execute(db);
	await sql.raw(`create trigger ${table}_retained_truncate before truncate on ${table} for each statement execute function training_records_retained()`).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const s of SPECS) await unpartition(db, s);
}
