import { sql, type Kysely } from 'kysely';

// Frozen. Coverage against the "全覆盖培训" targets (issue 7).
//
// coverage_evaluation (a view) is the definition: who is in a target's population and whether
// they meet its requirement, computed from the base tables. Dashboards never scan it: triggers on
// the base tables re-evaluate only the persons a statement touched and apply the net change to
// maintained counts per region node (every ancestor of the organisation's region), per
// organisation and per month. Writers lock the person (advisory lock) before re-evaluating, and
// change each counts table with one sorted upsert, so concurrent completions stay exact.
const statements = [
	`create table coverage_targets (
		id serial primary key,
		code text not null unique check (code ~ '^[a-z0-9][a-z0-9-]{1,63}$'),
		title text not null check (char_length(title) between 1 and 100),
		-- the population lives in this region's subtree
		region_code text not null references regions(code),
		-- the regulator that added it; null = seeded from the documents
		owner_org_id integer references organisations(id),
		period_start date not null,
		period_end date not null,
		deadline date not null,
		goal_percent numeric(5,2) not null check (goal_percent > 0 and goal_percent <= 100),
		-- population + requirement, validated by src/lib/server/coverage/target.ts (zod)
		definition jsonb not null,
		source_doc text not null check (char_length(source_doc) between 1 and 100),
		source_clause text not null check (char_length(source_clause) between 1 and 200),
		note text,
		status text not null default 'active' check (status in ('active', 'retired')),
		created_by integer references users(id),
		created_at timestamptz not null,
		check (period_end >= period_start)
	)`,

	// "today" for certificate validity: a trigger cannot take a parameter, so tests and demos may
	// set anxun.today (set local anxun.today = '2026-12-01'); otherwise the date in Shanghai.
	`create function coverage_today() returns date language sql stable as $$
		select coalesce(nullif(current_setting('anxun.today', true), '')::date, (now() at time zone 'Asia/Shanghai')::date)
	$$`,
	`create function coverage_xueshi_seconds() returns numeric language sql stable as $$
		select coalesce((select hours from training_requirements where code = 'xueshi-minutes'), 45) * 60
	$$`,

	`create view coverage_evaluation as
	select
		t.id as target_id,
		p.id as person_id,
		p.org_id,
		o.region_code,
		coalesce(o.industry_code, '') as industry_code,
		p.role_category,
		s.met_on as study_on,
		x.met_on as exam_on,
		c.issued_on as certificate_on,
		c.valid_until as certificate_valid_until,
		(t.definition->'requirement'->'study'->>'kind' <> 'none' and s.met_on is null) as study_missing,
		(jsonb_typeof(t.definition->'requirement'->'exam') = 'object' and x.met_on is null) as exam_missing,
		(jsonb_typeof(t.definition->'requirement'->'certificate') = 'object' and c.valid_until is null) as certificate_missing
	from coverage_targets t
	join regions tr on tr.code = t.region_code
	join persons p on p.active and (t.definition->'population'->'roleCategories') ? p.role_category
	join organisations o on o.id = p.org_id and (t.definition->'population'->'orgKinds') ? o.kind
	join regions r on r.code = o.region_code and r.path like tr.path || '%'
	left join industries i on i.code = o.industry_code
	cross join lateral (
		select case t.definition->'requirement'->'study'->>'kind'
			when 'none' then t.period_start
			when 'any_course' then (
				select min((e.completed_at at time zone 'Asia/Shanghai')::date) from enrolments e
				where e.person_id = p.id and e.status = 'active'
					and e.completed_at >= (t.period_start::timestamp at time zone 'Asia/Shanghai')
					and e.completed_at < ((t.period_end + 1)::timestamp at time zone 'Asia/Shanghai'))
			when 'courses' then (
				select min((e.completed_at at time zone 'Asia/Shanghai')::date) from enrolments e
				join courses co on co.id = e.course_id
				where e.person_id = p.id and e.status = 'active'
					and (t.definition->'requirement'->'study'->'courseCodes') ? co.code
					and e.completed_at >= (t.period_start::timestamp at time zone 'Asia/Shanghai')
					and e.completed_at < ((t.period_end + 1)::timestamp at time zone 'Asia/Shanghai'))
			when 'hours' then (
				select case when sum(lp.credited_seconds) >= (t.definition->'requirement'->'study'->>'hours')::numeric * coverage_xueshi_seconds()
					then max((lp.last_at at time zone 'Asia/Shanghai')::date) end
				from enrolments e join lesson_progress lp on lp.enrolment_id = e.id
				where e.person_id = p.id and e.status = 'active'
					and e.plan_year between extract(year from t.period_start)::int and extract(year from t.period_end)::int)
		end as met_on
	) s
	left join lateral (
		select min((a.finished_at at time zone 'Asia/Shanghai')::date) as met_on
		from exam_attempts a
		join exam_sessions es on es.id = a.session_id
		join exam_blueprints b on b.id = es.blueprint_id
		where a.person_id = p.id and a.mode = 'exam' and a.status = 'finished' and a.passed
			and a.decision is distinct from 'voided'
			and a.finished_at >= (t.period_start::timestamp at time zone 'Asia/Shanghai')
			and a.finished_at < ((t.period_end + 1)::timestamp at time zone 'Asia/Shanghai')
			and (jsonb_array_length(coalesce(t.definition->'requirement'->'exam'->'certificateTypes', '[]'::jsonb)) = 0
				or (t.definition->'requirement'->'exam'->'certificateTypes') ? b.certificate_type)
	) x on jsonb_typeof(t.definition->'requirement'->'exam') = 'object'
	left join lateral (
		-- valid on D = issued, issued_on <= D <= valid_until; D = the period's end or today if earlier
		select min(ce.issued_on) as issued_on, max(ce.valid_until) as valid_until
		from certificates ce
		where ce.person_id = p.id and ce.status = 'issued'
			and (t.definition->'requirement'->'certificate'->'types') ? ce.type
			and (ce.type <> 'special_work' or ce.special_operation_code is not distinct from p.special_operation_code)
			and ce.issued_on <= least(t.period_end, coverage_today())
			and ce.valid_until >= least(t.period_end, coverage_today())
	) c on jsonb_typeof(t.definition->'requirement'->'certificate') = 'object'
	where t.status = 'active'
		and (jsonb_array_length(coalesce(t.definition->'population'->'industries', '[]'::jsonb)) = 0
			or (t.definition->'population'->'industries') ? o.industry_code
			or (t.definition->'population'->'industries') ? i.parent_code)
		and (jsonb_typeof(t.definition->'population'->'highRisk') is distinct from 'boolean'
			or coalesce(i.high_risk, false) = (t.definition->'population'->>'highRisk')::boolean)
		and (jsonb_typeof(t.definition->'population'->'scale') is distinct from 'string'
			or o.scale = t.definition->'population'->>'scale')`,

	// One row per person in a target's population: who is missing what (the gap lists).
	`create table coverage_person (
		target_id integer not null references coverage_targets(id) on delete cascade,
		person_id integer not null references persons(id),
		org_id integer not null,
		region_code text not null,
		industry_code text not null,
		role_category text not null,
		covered boolean not null,
		covered_on date,
		study_missing boolean not null,
		exam_missing boolean not null,
		certificate_missing boolean not null,
		valid_until date,
		primary key (target_id, person_id)
	)`,
	`create index coverage_person_person on coverage_person(person_id)`,
	`create index coverage_person_gaps on coverage_person(target_id, covered, person_id)`,
	`create index coverage_person_org on coverage_person(org_id, target_id)`,
	// a small region's gap list: its few region codes, not a walk over the whole target's gaps
	`create index coverage_person_region_gaps on coverage_person(target_id, region_code, person_id) where not covered`,
	`create index coverage_person_expiry on coverage_person(valid_until) where covered and valid_until is not null`,

	// Maintained counts. node_code is every region on the path of the organisation's region
	// (市, 区县, 乡镇/街道), so a node's numbers are one index range, never a scan of persons.
	`create table coverage_node_counts (
		target_id integer not null references coverage_targets(id) on delete cascade,
		node_code text not null,
		industry_code text not null,
		role_category text not null,
		required integer not null,
		covered integer not null,
		primary key (target_id, node_code, industry_code, role_category)
	)`,
	`create table coverage_org_counts (
		target_id integer not null references coverage_targets(id) on delete cascade,
		org_id integer not null,
		role_category text not null,
		required integer not null,
		covered integer not null,
		primary key (target_id, org_id, role_category)
	)`,
	`create index coverage_org_counts_org on coverage_org_counts(org_id)`,
	// persons newly covered per month (by covered_on): the trend is the running sum
	`create table coverage_month_counts (
		target_id integer not null references coverage_targets(id) on delete cascade,
		node_code text not null,
		month date not null,
		covered integer not null,
		primary key (target_id, node_code, month)
	)`,

	// Net change of a set of old and new coverage_person rows, applied with one sorted upsert per
	// table (locks taken in key order: two writers cannot deadlock on the counts).
	`create function coverage_apply_delta(p_old coverage_person[], p_new coverage_person[]) returns void language plpgsql as $$
	begin
		insert into coverage_node_counts as k (target_id, node_code, industry_code, role_category, required, covered)
		select d.target_id, n.code, d.industry_code, d.role_category, sum(d.dr)::int, sum(d.dc)::int
		from (
			select target_id, region_code, industry_code, role_category, -1 as dr, -(covered::int) as dc from unnest(p_old)
			union all
			select target_id, region_code, industry_code, role_category, 1, covered::int from unnest(p_new)
		) d
		join regions r on r.code = d.region_code
		cross join lateral unnest(string_to_array(trim(both '/' from r.path), '/')) as n(code)
		group by d.target_id, n.code, d.industry_code, d.role_category
		having sum(d.dr) <> 0 or sum(d.dc) <> 0
		order by 1, 2, 3, 4
		on conflict (target_id, node_code, industry_code, role_category)
		do update set required = k.required + excluded.required, covered = k.covered + excluded.covered;

		insert into coverage_org_counts as k (target_id, org_id, role_category, required, covered)
		select d.target_id, d.org_id, d.role_category, sum(d.dr)::int, sum(d.dc)::int
		from (
			select target_id, org_id, role_category, -1 as dr, -(covered::int) as dc from unnest(p_old)
			union all
			select target_id, org_id, role_category, 1, covered::int from unnest(p_new)
		) d
		group by d.target_id, d.org_id, d.role_category
		having sum(d.dr) <> 0 or sum(d.dc) <> 0
		order by 1, 2, 3
		on conflict (target_id, org_id, role_category)
		do update set required = k.required + excluded.required, covered = k.covered + excluded.covered;

		insert into coverage_month_counts as k (target_id, node_code, month, covered)
		select d.target_id, n.code, d.month, sum(d.dc)::int
		from (
			select target_id, region_code, date_trunc('month', covered_on)::date as month, -1 as dc from unnest(p_old) where covered
			union all
			select target_id, region_code, date_trunc('month', covered_on)::date, 1 from unnest(p_new) where covered
		) d
		join regions r on r.code = d.region_code
		cross join lateral unnest(string_to_array(trim(both '/' from r.path), '/')) as n(code)
		group by d.target_id, n.code, d.month
		having sum(d.dc) <> 0
		order by 1, 2, 3
		on conflict (target_id, node_code, month) do update set covered = k.covered + excluded.covered;
	end $$`,

	`create function coverage_refresh_persons(p_ids integer[]) returns void language plpgsql as $$
	declare
		v_old coverage_person[];
		v_new coverage_person[];
		v_id integer;
	begin
		if p_ids is null or cardinality(p_ids) = 0 then return; end if;
		if not exists (select 1 from coverage_targets where status = 'active')
			and not exists (select 1 from coverage_person where person_id = any(p_ids)) then
			return;
		end if;
		-- a rebuild of a whole target holds this exclusively
		perform pg_advisory_xact_lock_shared(7320415);
		-- one writer per person at a time, in id order; the statements below take fresh
		-- snapshots (READ COMMITTED), so they see what the previous writer committed
		for v_id in select distinct u from unnest(p_ids) u order by u loop
			perform pg_advisory_xact_lock(7320413, v_id);
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

	// Triggers only queue the persons a statement touched; one deferred trigger re-evaluates them all
	// at commit, in one call. A transaction of several statements (or touching several persons) thus
	// takes its locks once, in id/key order, and cannot deadlock with another such transaction.
	// SET CONSTRAINTS coverage_pending_flush IMMEDIATE applies the queue before the commit.
	`create table coverage_pending (
		tx bigint not null default txid_current(),
		person_id integer not null
	)`,
	`create index coverage_pending_tx on coverage_pending(tx)`,
	`create function coverage_queue(p_ids integer[]) returns void language plpgsql as $$
	begin
		if p_ids is null or cardinality(p_ids) = 0 then return; end if;
		if not exists (select 1 from coverage_targets where status = 'active')
			and not exists (select 1 from coverage_person where person_id = any(p_ids)) then
			return;
		end if;
		insert into coverage_pending (person_id) select distinct u from unnest(p_ids) u where u is not null;
	end $$`,
	`create function coverage_flush() returns trigger language plpgsql as $$
	declare v_ids integer[];
	begin
		with d as (delete from coverage_pending where tx = txid_current() returning person_id)
		select array_agg(distinct person_id) into v_ids from d;
		perform coverage_refresh_persons(v_ids);
		return null;
	end $$`,
	`create constraint trigger coverage_pending_flush after insert on coverage_pending
		deferrable initially deferred for each row execute function coverage_flush()`,

	// Whole target (on create/edit/retire): recomputed set-based, under the exclusive lock.
	`create function coverage_rebuild_target(p_target integer) returns void language plpgsql as $$
	begin
		perform pg_advisory_xact_lock(7320415);
		delete from coverage_person where target_id = p_target;
		delete from coverage_node_counts where target_id = p_target;
		delete from coverage_org_counts where target_id = p_target;
		delete from coverage_month_counts where target_id = p_target;
		insert into coverage_person
		select e.target_id, e.person_id, e.org_id, e.region_code, e.industry_code, e.role_category,
			not (e.study_missing or e.exam_missing or e.certificate_missing),
			case when not (e.study_missing or e.exam_missing or e.certificate_missing)
				then greatest(e.study_on, e.exam_on, e.certificate_on, t.period_start) end,
			e.study_missing, e.exam_missing, e.certificate_missing, e.certificate_valid_until
		from coverage_evaluation e join coverage_targets t on t.id = e.target_id
		where e.target_id = p_target;
		insert into coverage_node_counts (target_id, node_code, industry_code, role_category, required, covered)
		select cp.target_id, n.code, cp.industry_code, cp.role_category, count(*), count(*) filter (where cp.covered)
		from coverage_person cp join regions r on r.code = cp.region_code
		cross join lateral unnest(string_to_array(trim(both '/' from r.path), '/')) as n(code)
		where cp.target_id = p_target
		group by 1, 2, 3, 4;
		insert into coverage_org_counts (target_id, org_id, role_category, required, covered)
		select target_id, org_id, role_category, count(*), count(*) filter (where covered)
		from coverage_person where target_id = p_target group by 1, 2, 3;
		insert into coverage_month_counts (target_id, node_code, month, covered)
		select cp.target_id, n.code, date_trunc('month', cp.covered_on)::date, count(*)
		from coverage_person cp join regions r on r.code = cp.region_code
		cross join lateral unnest(string_to_array(trim(both '/' from r.path), '/')) as n(code)
		where cp.target_id = p_target and cp.covered
		group by 1, 2, 3;
	end $$`,

	`create function coverage_after_target() returns trigger language plpgsql as $$
	begin
		perform coverage_rebuild_target(new.id);
		return null;
	end $$`,
	`create trigger coverage_targets_changed after insert or update on coverage_targets
		for each row execute function coverage_after_target()`,

	// Certificates expire and periods end without any write: a daily sweep re-evaluates those.
	`create function coverage_refresh_expired() returns integer language plpgsql as $$
	declare v_ids integer[];
	begin
		select array_agg(distinct person_id) into v_ids from coverage_person
		where covered and valid_until is not null and valid_until < coverage_today();
		perform coverage_refresh_persons(v_ids);
		return coalesce(cardinality(v_ids), 0);
	end $$`
];

// Statement-level triggers with transition tables: one re-evaluation per statement, only for
// persons whose relevant columns changed (a heartbeat that completes nothing costs one join).
const watched: { table: string; person: string; cols: string[]; insertWhere: string }[] = [
	{ table: 'enrolments', person: 'n.person_id', cols: ['completed_at', 'status', 'person_id', 'course_id'], insertWhere: 'n.completed_at is not null' },
	{ table: 'exam_attempts', person: 'n.person_id', cols: ['status', 'passed', 'decision', 'finished_at', 'person_id'], insertWhere: "n.status = 'finished'" },
	{ table: 'certificates', person: 'n.person_id', cols: ['status', 'issued_on', 'valid_until', 'type', 'person_id', 'special_operation_code'], insertWhere: "n.status = 'issued'" },
	{ table: 'persons', person: 'n.id', cols: ['active', 'org_id', 'role_category', 'special_operation_code'], insertWhere: 'true' }
];

function triggerStatements(): string[] {
	const out: string[] = [];
	for (const w of watched) {
		const changed = w.cols.map((c) => `n.${c} is distinct from o.${c}`).join(' or ');
		const key = w.table === 'persons' ? 'id' : 'id';
		out.push(
			`create function coverage_${w.table}_ins() returns trigger language plpgsql as $$
			begin
				perform coverage_queue(array(select distinct ${w.person} from coverage_nt n where ${w.insertWhere}));
				return null;
			end $$`,
			`create function coverage_${w.table}_upd() returns trigger language plpgsql as $$
			begin
				perform coverage_queue(array(
					select ${w.person} from coverage_nt n join coverage_ot o on o.${key} = n.${key} where ${changed}
					union select o.${w.table === 'persons' ? 'id' : 'person_id'} from coverage_nt n join coverage_ot o on o.${key} = n.${key} where ${changed}));
				return null;
			end $$`,
			`create trigger coverage_${w.table}_ins after insert on ${w.table} referencing new table as coverage_nt
				for each statement execute function coverage_${w.table}_ins()`,
			`create trigger coverage_${w.table}_upd after update on ${w.table} referencing old table as coverage_ot new table as coverage_nt
				for each statement execute function coverage_${w.table}_upd()`
		);
	}
	// 学时 requirements: re-evaluated when a lesson completes (not on every heartbeat)
	out.push(
		`create function coverage_lesson_progress_chg() returns trigger language plpgsql as $$
		begin
			if tg_op = 'INSERT' then
				perform coverage_queue(array(select distinct e.person_id from coverage_nt n join enrolments e on e.id = n.enrolment_id where n.completed_at is not null));
			else
				perform coverage_queue(array(select distinct e.person_id from coverage_nt n
					join coverage_ot o on o.enrolment_id = n.enrolment_id and o.lesson_id = n.lesson_id
					join enrolments e on e.id = n.enrolment_id
					where n.completed_at is distinct from o.completed_at));
			end if;
			return null;
		end $$`,
		`create trigger coverage_lesson_progress_ins after insert on lesson_progress referencing new table as coverage_nt
			for each statement execute function coverage_lesson_progress_chg()`,
		`create trigger coverage_lesson_progress_upd after update on lesson_progress referencing old table as coverage_ot new table as coverage_nt
			for each statement execute function coverage_lesson_progress_chg()`,
		// an organisation moving region or industry moves its staff between nodes and populations
		`create function coverage_organisations_upd() returns trigger language plpgsql as $$
		begin
			perform coverage_queue(array(select p.id from coverage_nt n join coverage_ot o on o.id = n.id
				join persons p on p.org_id = n.id
				where n.kind is distinct from o.kind or n.region_code is distinct from o.region_code
					or n.industry_code is distinct from o.industry_code or n.scale is distinct from o.scale));
			return null;
		end $$`,
		`create trigger coverage_organisations_upd after update on organisations referencing old table as coverage_ot new table as coverage_nt
			for each statement execute function coverage_organisations_upd()`
	);
	return out;
}

export async function up(db: Kysely<any>): Promise<void> {
	for (const statement of [...statements, ...triggerStatements()]) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const w of [...watched.map((w) => w.table), 'lesson_progress', 'organisations']) {
		await sql.raw(`drop trigger if exists coverage_${w}_ins on ${w}`).execute(db);
		await sql.raw(`drop trigger if exists coverage_${w}_upd on ${w}`).execute(db);
		await sql.raw(`drop function if exists coverage_${w}_ins, coverage_${w}_upd`).execute(db);
	}
	await sql.raw(`drop function if exists coverage_lesson_progress_chg, coverage_organisations_upd`).execute(db);
	await sql.raw(`drop table if exists coverage_month_counts, coverage_org_counts, coverage_node_counts`).execute(db);
	await sql.raw(`drop trigger if exists coverage_pending_flush on coverage_pending`).execute(db);
	await sql.raw(`drop table if exists coverage_pending`).execute(db);
	await sql.raw(`drop function if exists coverage_refresh_expired, coverage_after_target, coverage_rebuild_target, coverage_flush, coverage_queue, coverage_refresh_persons, coverage_apply_delta`).execute(db);
	await sql.raw(`drop table if exists coverage_person`).execute(db);
	await sql.raw(`drop view if exists coverage_evaluation`).execute(db);
	await sql.raw(`drop function if exists coverage_xueshi_seconds, coverage_today`).execute(db);
	await sql.raw(`drop table if exists coverage_targets`).execute(db);
}
