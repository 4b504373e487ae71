// npm run bench:coverage — the regulator dashboard's data load (maintained counts) for the city,
// one 区县 and one 乡镇, against the naive single aggregate over the definition; checks equality.
// Needs a database filled by `npm run seed:scale` (BENCH_DATABASE_URL or DATABASE_URL).
import { openDatabase } from '../src/lib/server/db/index.ts';
import { loadNodeDashboard, loadTargetOverview } from '../src/lib/server/coverage/dashboard.ts';
import { naiveCountsAtNode, countsAtNode } from '../src/lib/server/coverage/coverage.query.ts';

const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL;
if (!url) {
	console.error('请设置 BENCH_DATABASE_URL 或 DATABASE_URL（先运行 npm run seed:scale）');
	process.exit(2);
}
const RUNS = Number(process.env.BENCH_RUNS ?? 21);
const database = await openDatabase({ kind: 'postgres', url, max: 4 });
const db = database.db;
const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
try {
	const now = new Date();
	const persons = Number((await db.selectFrom('persons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
	const district = (await db.selectFrom('regions').select(['code', 'path']).where('code', '=', '500112').executeTakeFirstOrThrow());
	const town = (await db.selectFrom('regions').select(['code', 'path']).where('parent_code', '=', '500112').orderBy('code', 'desc').executeTakeFirstOrThrow());
	const biggest = await db.selectFrom('coverage_targets').select('id').where('code', '=', 'duty-system-training-2026').executeTakeFirstOrThrow();
	const scopes = {
		city: { regionCode: '500000', regionPath: '/500000/' },
		district: { regionCode: district.code, regionPath: district.path },
		town: { regionCode: town.code, regionPath: town.path }
	};
	const time = async (scope: { regionCode: string; regionPath: string }) => {
		const xs: number[] = [];
		for (let i = 0; i < RUNS; i++) {
			const t = performance.now();
			// the dashboard: every target's rate, plus one target's drill-down (children, orgs,
			// breakdowns, trend, first 50 gaps)
			await loadTargetOverview(db, scope, now);
			await loadNodeDashboard(db, scope, biggest.id, scope.regionCode, now);
			xs.push(performance.now() - t);
		}
		return p50(xs);
	};
	const city = await time(scopes.city);
	const districtMs = await time(scopes.district);
	const townMs = await time(scopes.town);
	const t = performance.now();
	const naive = await naiveCountsAtNode(db, '/500000/');
	const naiveMs = performance.now() - t;
	const targets = (await db.selectFrom('coverage_targets').select('id').execute()).map((r) => r.id);
	let exact = true;
	for (const [code, path, ref] of [['500000', '/500000/', naive], [district.code, district.path, null], [town.code, town.path, null]] as const) {
		const m = await countsAtNode(db, targets, code);
		const n = ref ?? (await naiveCountsAtNode(db, path));
		for (const id of targets) {
			const a = m.get(id) ?? { required: 0, covered: 0 };
			const b = n.get(id) ?? { required: 0, covered: 0 };
			if (a.required !== b.required || a.covered !== b.covered) {
				exact = false;
				console.log(`差异：目标 ${id} @${code} 维护 ${JSON.stringify(a)} 重算 ${JSON.stringify(b)}`);
			}
		}
	}
	console.log(`town_p50_ms=${townMs.toFixed(1)} (${town.code})`);
	console.log(`persons=${persons} city_p50_ms=${city.toFixed(1)} district_p50_ms=${districtMs.toFixed(1)} naive_sql_ms=${naiveMs.toFixed(0)} speedup=${(naiveMs / city).toFixed(1)} exact=${exact}`);
} finally {
	await database.close();
}
