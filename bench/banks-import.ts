// npm run bench:banks — imports a generated 5,000-question .xlsx into PostgreSQL
// (BENCH_DATABASE_URL, wiped) and prints a raw-SQL baseline measured in the same run.
import { sql } from 'kysely';
import { performance } from 'node:perf_hooks';
import { migrateToLatest, openDatabase } from '../src/lib/server/db/index.ts';
import { seedReference } from '../seeds/index.ts';
import { syncRepositoryBanks } from '../src/lib/server/question-bank/sync.ts';
import { exportQuestionsXlsx } from '../src/lib/server/question-bank/excel.ts';
import { importQuestionsXlsx } from '../src/lib/server/question-bank/edit.ts';
import { SYSTEM_ACTOR } from '../src/lib/server/audit/actor.ts';
import type { Question } from '../src/lib/question-bank/schema.ts';

const url = process.env.BENCH_DATABASE_URL;
if (!url) {
	console.error('BENCH_DATABASE_URL is not set (a PostgreSQL database this benchmark may wipe)');
	process.exit(2);
}
const ROWS = 5000;
const database = await openDatabase({ kind: 'postgres', url });
const db = database.db;
await sql`drop schema public cascade`.execute(db);
await sql`create schema public`.execute(db);
await migrateToLatest(db);
await seedReference(db);
await syncRepositoryBanks(db, 'question-banks', new Date());
const org = await db.insertInto('organisations').values({ kind: 'institution', name: '基准测试机构', region_code: '500112' }).returning('id').executeTakeFirstOrThrow();
const user = await db.insertInto('users').values({ display_name: '基准', mobile: '13700000000', password_hash: 'x' }).returning('id').executeTakeFirstOrThrow();

const questions: Question[] = Array.from({ length: ROWS }, (_, i) => ({
	id: `bench-${String(i).padStart(5, '0')}`,
	type: i % 4 === 0 ? 'judge' : i % 4 === 1 ? 'multiple' : 'single',
	stem: `第${i}题：生产经营单位应当对从业人员进行安全生产教育和培训（ ）。编号${i}`,
	...(i % 4 === 0 ? {} : { options: { A: '保证从业人员具备必要的安全生产知识', B: '熟悉有关的安全生产规章制度', C: '掌握本岗位的安全操作技能', D: `了解事故应急处理措施${i}` } }),
	answer: i % 4 === 0 ? true : i % 4 === 1 ? ['A', 'B', 'C'] : 'B',
	explanation: '《安全生产法》第二十八条规定了生产经营单位对从业人员进行安全生产教育和培训的义务。',
	basis: [{ source: 'anquan-shengchan-fa-2021', ref: '第二十八条' }],
	knowledge: `kp-${i % 20}`,
	difficulty: (i % 5) + 1
})) as Question[];
const xlsx = await exportQuestionsXlsx({ code: 'bench', name: '基准题库' }, questions);

const t0 = performance.now();
const result = await importQuestionsXlsx(db, { data: new Uint8Array(xlsx), ownerOrgId: org.id, bank: null, create: { code: 'bench', name: '基准题库' } }, { ...SYSTEM_ACTOR, userId: user.id, role: 'institution_admin' }, new Date()).catch((e) => ({ ok: false as const, errors: [{ row: null, column: null, message: String(e) }] }));
const importMs = Math.round(performance.now() - t0);
if (!result.ok) {
	console.error(result.errors.slice(0, 5));
	process.exit(1);
}

// Baseline: the same 5,000 rows (question + version) with two raw unnest inserts, no parsing or checks.
await sql`create temporary table raw_q (code text, content jsonb)`.execute(db);
const t1 = performance.now();
await sql`insert into raw_q select * from unnest(${questions.map((q) => q.id)}::text[], ${questions.map((q) => JSON.stringify(q))}::jsonb[])`.execute(db);
const rawMs = Math.round(performance.now() - t1);

console.log(`xlsx_bytes=${xlsx.length} import_ms=${importMs} raw_unnest_ms=${rawMs}`);
console.log(`rows=${ROWS} import_ms=${importMs} rows_per_s=${Math.round((ROWS / importMs) * 1000)}`);
await database.close();
