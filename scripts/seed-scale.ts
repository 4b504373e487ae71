// npm run seed:scale -- --persons 1000000
// A realistic region in PostgreSQL (BENCH_DATABASE_URL or DATABASE_URL): 100,000 enterprises
// (one per 10 persons) over every 区县 and synthetic 乡镇/街道, government staff, a role mix,
// 2024–2026 training, exams and certificates; then the seeded targets (their insert trigger
// computes coverage set-based). Bulk rows come from generate_series in SQL, in batches.
import { sql } from 'kysely';
import { openDatabase, migrateToLatest } from '../src/lib/server/db/index.ts';
import { seedReference } from '../seeds/index.ts';
import { seedCoverageTargets } from '../src/lib/server/coverage/targets.repository.ts';
import { DISTRICTS } from '../seeds/reference.ts';

const arg = (name: string, fallback: number) => {
	const i = process.argv.indexOf(`--${name}`);
	return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const PERSONS = arg('persons', 1_000_000);
const ENTERPRISES = Math.max(10, Math.floor(PERSONS / 10));
const TOWNS_PER_DISTRICT = 12;
const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
	console.error('请设置 BENCH_DATABASE_URL 或 DATABASE_URL（PostgreSQL）');
	process.exit(2);
}

const t0 = Date.now();
const log = (m: string) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1)}s] ${m}`);
const database = await openDatabase({ kind: 'postgres', url, max: 4 });
const db = database.db;
try {
	await migrateToLatest(db);
	await seedReference(db);
	const existing = await db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	if (Number(existing.n) > 0) throw new Error('数据库中已有人员数据：seed:scale 需要一个空数据库');
	await sql`set session_replication_role = default`.execute(db);

	// synthetic 乡镇/街道: district code + 9xx
	const towns = DISTRICTS.flatMap(([code, name]) => Array.from({ length: TOWNS_PER_DISTRICT }, (_, i) => ({ code: `${code}9${String(i).padStart(2, '0')}`, name: `${name.replace(/区|县|自治县/g, '')}第${i + 1}街道`, level: 'town', parent_code: code, path: `/500000/${code}/${code}9${String(i).padStart(2, '0')}/`, sort: 900 + i })));
	await db.insertInto('regions').values(towns).onConflict((oc) => oc.column('code').doNothing()).execute();
	log(`${towns.length} 个乡镇/街道`);

	await sql`create temp table scale_towns as select code, row_number() over (order by code) - 1 as i from regions where level = 'town' and code like '%9__'`.execute(db);
	const nTowns = towns.length;
	const industries = ['non_coal_mine', 'hazchem', 'metal_smelting', 'it_machinery', 'it_light', 'it_commerce', 'it_building_materials', 'construction', 'gas', 'road_transport', 'other', 'it_textile'];
	await sql`insert into organisations (kind, name, region_code, industry_code, scale, created_at)
		select 'enterprise', '模拟企业' || g, t.code, (${sql.val(industries)}::text[])[1 + (g * 7) % ${industries.length}::int], case when g % 3 = 0 then 'above' else 'below' end, now()
		from generate_series(1, ${ENTERPRISES}::int) g join scale_towns t on t.i = g % ${nTowns}::int`.execute(db);
	await sql`insert into organisations (kind, name, region_code, gov_type, created_at)
		select 'government', t.code || '街道办事处', t.code, '乡镇(街道)', now() from scale_towns t`.execute(db);
	log(`${ENTERPRISES} 家企业，${nTowns} 个街道办事处`);

	const ent = await sql<{ lo: number; hi: number }>`select min(id) as lo, max(id) as hi from organisations where kind = 'enterprise'`.execute(db);
	const lo = Number(ent.rows[0]!.lo);
	// role mix per 100 persons: 1 principal, 1 controller, 2 deputy, 4 safety manager, 8 special workers, 84 frontline
	const BATCH = 100_000;
	for (let from = 1; from <= PERSONS; from += BATCH) {
		const to = Math.min(PERSONS, from + BATCH - 1);
		await sql`insert into persons (name, id_number, org_id, role_category, special_operation_code, active, hired_on)
			select '人员' || g, 'P' || lpad(g::text, 17, '0'), ${lo}::int + ((g - 1) % ${ENTERPRISES}::int),
				r.role, case when r.role = 'special_worker' then (array['1.1','1.2','2.1','3.1','9.3','6.8'])[1 + g % 6] end, g % 97 <> 0,
				date '2015-01-01' + (g % 4000)
			from generate_series(${from}::int, ${to}::int) g
			cross join lateral (select case when g % 100 < 1 then 'principal' when g % 100 < 2 then 'controller' when g % 100 < 4 then 'deputy'
				when g % 100 < 8 then 'safety_manager' when g % 100 < 16 then 'special_worker' else 'frontline' end as role) r`.execute(db);
		log(`人员 ${to}`);
	}
	await sql`insert into persons (name, id_number, org_id, role_category, active)
		select '公务员' || o.id || '-' || k, 'G' || lpad((o.id * 10 + k)::text, 17, '0'), o.id,
			(array['party_leader','enforcement','enforcement','disaster_informant','disaster_informant'])[k], true
		from organisations o cross join generate_series(1, 5) k where o.kind = 'government'`.execute(db);

	// courses the targets name (minimal rows, one lesson each)
	for (const [code, title] of [['principal-annual', '主要负责人年度再培训'], ['two-lists-two-cards', '一线岗位“两单两卡”应知应会']]) {
		await sql`insert into courses (code, title, training_type, credit_hours, status, created_at, updated_at, published_at)
			values (${code}, ${title}, 'annual', 2, 'published', now(), now(), now()) on conflict (code) do nothing`.execute(db);
	}
	const course = async (code: string) => Number((await sql<{ id: number }>`select id from courses where code = ${code}`.execute(db)).rows[0]!.id);
	const principal = await course('principal-annual');
	const cards = await course('two-lists-two-cards');
	// enrolments: leaders the principal course in 2024 (40%), 2025 (55%), 2026 (65%); everyone else
	// the two-cards course in 2026 (60%); completion dates spread over the months so far
	for (const [year, share, months] of [[2024, 40, 12], [2025, 55, 12], [2026, 65, 10]] as const) {
		await sql`insert into enrolments (person_id, course_id, plan_year, source, status, created_at, completed_at)
			select p.id, ${principal}, ${year}, 'auto', 'active', make_timestamptz(${year}, 1, 2, 0, 0, 0, 'Asia/Shanghai'),
				case when (p.id * 31 + ${year}) % 100 < ${share} then make_timestamptz(${year}, 1 + (p.id % ${months}), 1 + (p.id % 27), 10, 0, 0, 'Asia/Shanghai') end
			from persons p where p.role_category in ('principal', 'controller', 'deputy', 'party_leader', 'enforcement')`.execute(db);
	}
	log('负责人、公务员培训');
	for (let from = 0; from <= PERSONS; from += 200_000) {
		await sql`insert into enrolments (person_id, course_id, plan_year, source, status, created_at, completed_at)
			select p.id, ${cards}, 2026, 'auto', 'active', timestamptz '2026-01-02 00:00+08',
				case when (p.id * 17) % 100 < 60 then make_timestamptz(2026, 1 + (p.id % 10), 1 + (p.id % 27), 10, 0, 0, 'Asia/Shanghai') end
			from persons p where p.role_category not in ('principal', 'controller', 'deputy', 'party_leader', 'enforcement') and p.id > ${from} and p.id <= ${from + 200_000}`.execute(db);
		log(`全员培训 ${from + 200_000}`);
	}

	// exams: one session per high-risk industry group; 50% of high-risk staff passed this year
	const inst = (await sql<{ id: number }>`insert into organisations (kind, name, region_code, created_at) values ('institution', '模拟培训机构', '500112', now()) returning id`.execute(db)).rows[0]!.id;
	const bp = (await sql<{ id: number }>`insert into exam_blueprints (owner_org_id, name, bank_ids, definition, certificate_type, created_at, updated_at) values (${inst}, '模拟试卷', '[]', '{}', 'training', now(), now()) returning id`.execute(db)).rows[0]!.id;
	const sess = (await sql<{ id: number }>`insert into exam_sessions (owner_org_id, blueprint_id, name, mode, opens_at, closes_at, paper_mode, review_policy, created_at) values (${inst}, ${bp}, '模拟考试', 'online', '2026-03-01T00:00:00Z', '2026-10-01T00:00:00Z', 'fixed', 'none', now()) returning id`.execute(db)).rows[0]!.id;
	const paper = (await sql<{ id: number }>`insert into exam_papers (session_id, blueprint_id, seed, slots, total_points, created_at) values (${sess}, ${bp}, 's', '[]', 100, now()) returning id`.execute(db)).rows[0]!.id;
	await sql`insert into exam_candidates (session_id, person_id, added_at)
		select ${sess}, p.id, now() from persons p join organisations o on o.id = p.org_id join industries i on i.code = o.industry_code
		where i.high_risk and p.id % 10 < 7`.execute(db);
	await sql`insert into exam_attempts (mode, session_id, candidate_id, person_id, paper_id, status, finish_reason, started_at, deadline_at, finished_at, score, passed, flags, created_at, client_id, ip)
		select 'exam', ${sess}, c.id, c.person_id, ${paper}, 'finished', 'submitted', ts, ts + interval '60 minutes', ts + ((20 + c.person_id % 40) || ' minutes')::interval,
			60 + c.person_id % 40, 60 + c.person_id % 40 >= 80, '[]', ts, 'c' || c.person_id, '10.' || (c.person_id % 250) || '.' || (c.person_id / 250 % 250) || '.1'
		from exam_candidates c cross join lateral (select make_timestamptz(2026, 3 + c.person_id % 7, 1 + c.person_id % 27, 2, 0, 0, 'UTC') as ts) x
		where c.session_id = ${sess}`.execute(db);
	log('考试');
	// certificates: 75% of special workers hold one valid today; 60% of high-risk leaders a 考核合格证
	await sql`insert into certificates (number, type, person_id, holder_org_id, special_operation_code, issuer_org_id, institution_org_id, status, issued_on, valid_until, proposed_at, payload, signature, created_at)
		select 'ST' || p.id, 'special_work', p.id, p.org_id, p.special_operation_code, ${inst}, ${inst}, 'issued', date '2022-01-01' + p.id % 900,
			case when p.id % 4 = 0 then date '2025-06-01' else date '2028-01-01' + p.id % 900 end, now(), '{}', 'x', now()
		from persons p where p.role_category = 'special_worker'`.execute(db);
	await sql`insert into certificates (number, type, person_id, holder_org_id, issuer_org_id, institution_org_id, status, issued_on, valid_until, proposed_at, payload, signature, created_at)
		select 'SA' || p.id, 'safety_knowledge', p.id, p.org_id, ${inst}, ${inst}, 'issued', date '2025-01-01', date '2028-01-01', now(), '{}', 'x', now()
		from persons p join organisations o on o.id = p.org_id join industries i on i.code = o.industry_code
		where i.high_risk and p.role_category in ('principal', 'controller', 'deputy', 'safety_manager') and p.id % 10 < 6`.execute(db);
	log('证书');
	await sql`analyze`.execute(db);
	const added = await db.transaction().execute((tx) => seedCoverageTargets(tx, new Date()));
	log(`覆盖目标 ${added} 项（已计算覆盖）`);
	await sql`analyze`.execute(db);
	const n = await db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
	log(`完成：persons=${n.n} enterprises=${ENTERPRISES}`);
} finally {
	await database.close();
}
