import { sql, type Kysely } from 'kysely';

// Bulk writes (issue 11) and institution banks derived from a platform bank (issue 20).
//
// Coverage: migration 006 locked every re-evaluated person with its own advisory lock and fired
// its deferred flush once per queued row. A 20,000-person import thus asked for 20,000 locks in
// one transaction ("out of shared memory": the lock table holds max_locks_per_transaction ×
// max_connections entries, 6,400 by default) and 20,000 deferred trigger calls. Now:
// - persons are locked by bucket (person id mod 256), buckets in ascending order: at most 256
//   locks per refresh, still one writer per person at a time (a person lies in exactly one
//   bucket) and no deadlock between refreshes (every refresh locks in the same order);
// - the deferred flush hangs on a one-row-per-transaction flag (coverage_pending_flag), so it
//   fires once per transaction whatever the number of queued persons.
const COVERAGE_LOCK_BUCKETS = 256;

const statements = [
	`create or replace function coverage_refresh_persons(p_ids integer[]) returns void language plpgsql as $$
	declare
		v_old coverage_person[];
		v_new coverage_person[];
		v_bucket integer;
	begin
		if p_ids is null or cardinality(p_ids) = 0 then return; end if;
		if not exists (select 1 from coverage_targets where status = 'active')
			and not exists (select 1 from coverage_person where person_id = any(p_ids)) then
			return;
		end if;
		-- a rebuild of a whole target holds this exclusively
		perform pg_advisory_xact_lock_shared(7320415);
		-- one writer per person at a time: the person's bucket, buckets in ascending order; the
		-- statements below take fresh snapshots (READ COMMITTED), so they see the previous writer's commit
		for v_bucket in select distinct u % ${COVERAGE_LOCK_BUCKETS} from unnest(p_ids) u where u is not null order by 1 loop
			perform pg_advisory_xact_lock(7320416, v_bucket);
		end loop;
		with d as (delete from coverage_person where person_id = any(p_ids) returning *)
		select array_agg(d) into v_old from d;
		select array_agg(row(e.target_id, e.person_id, e.org_id, e.region_code, e.industry_code, e.role_category,
				not (e.study_missing or e.exam_missing or e.certificate_missing),
				case when not (e.study_missing or e.exam_missing or e.certificate_missing)
					then greatest(e.study_on, e.exam_on, e.certificate_on, t.period_start) end,
				e.study_missing, e.exam_missing, e.certificate_missing, e.certificate_valid_until)::coverage_person)
			into v_new
		from coverage_evaluation e join coverage_targets t on t.id = e.target_id
		where e.person_id = any(p_ids);
		if v_new is not null then
			insert into coverage_person select * from unnest(v_new);
		end if;
		perform coverage_apply_delta(coalesce(v_old, '{}'), coalesce(v_new, '{}'));
	end $$`,

	// one flag row per transaction that queued something; the deferred flush hangs on it
	`create table coverage_pending_flag (tx bigint primary key)`,
	`drop trigger coverage_pending_flush on coverage_pending`,
	`create or replace function coverage_queue(p_ids integer[]) returns void language plpgsql as $$
	begin
		if p_ids is null or cardinality(p_ids) = 0 then return; end if;
		if not exists (select 1 from coverage_targets where status = 'active')
			and not exists (select 1 from coverage_person where person_id = any(p_ids)) then
			return;
		end if;
		insert into coverage_pending (person_id) select distinct u from unnest(p_ids) u where u is not null;
		insert into coverage_pending_flag (tx) values (txid_current()) on conflict do nothing;
	end $$`,
	`create or replace function coverage_flush() returns trigger language plpgsql as $$
	declare v_ids integer[];
	begin
		delete from coverage_pending_flag where tx = txid_current();
		with d as (delete from coverage_pending where tx = txid_current() returning person_id)
		select array_agg(distinct person_id) into v_ids from d;
		perform coverage_refresh_persons(v_ids);
		return null;
	end $$`,
	`create constraint trigger coverage_pending_flush after insert on coverage_pending_flag
		deferrable initially deferred for each row execute function coverage_flush()`,

	// An institution's bank derived from a platform bank: the bank and every question remember
	// where they came from (question and version), so a later platform change can be flagged.
	`alter table qb_banks add column derived_from_bank_id integer references qb_banks(id)`,
	`alter table qb_questions add column derived_from_question_id integer references qb_questions(id)`,
	`alter table qb_questions add column derived_from_version integer`,
	`alter table qb_questions add constraint qb_questions_derived_pair
		check ((derived_from_question_id is null) = (derived_from_version is null))`,
	`alter table qb_question_versions drop constraint qb_question_versions_origin_check`,
	`alter table qb_question_versions add constraint qb_question_versions_origin_check
		check (origin in ('file', 'excel', 'browser', 'derived'))`
];

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of statements) await sql.raw(statement).execute(db);
}
