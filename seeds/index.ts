import { sql } from 'kysely';
import type { Db } from '../src/lib/server/db/index.ts';
import { CITY, DISTRICTS, FUNCTIONAL_AREAS, HIGH_RISK_BASIS, INDUSTRIES, SPECIAL_OPERATIONS, TOWNS } from './reference.ts';
import { seedDemo } from './demo.ts';
import { seedDemoStudy } from './demo-study.ts';
import { seedDemoExams } from './demo-exams.ts';
import { seedDemoCoverage } from './demo-coverage.ts';
import { seedDemoFace } from './demo-face.ts';
import { seedDemoCertificates } from './demo-certificates.ts';
import { syncRepositoryBanks } from '../src/lib/server/question-bank/sync.ts';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';
import { upsertRequirementRules } from '../src/lib/server/study/requirements.repository.ts';
import { upsertPracticalSheets } from '../src/lib/server/special-ops/practical.repository.ts';

/** Reference data (regions, industries, 特种作业目录); idempotent. */
export async function seedReference(db: Db): Promise<void> {
	const regions = [
		{ code: CITY.code, name: CITY.name, level: 'city', parent_code: null, path: `/${CITY.code}/`, sort: 0 },
		...DISTRICTS.map(([code, name], i) => ({ code, name, level: 'district', parent_code: CITY.code, path: `/${CITY.code}/${code}/`, sort: i + 1 })),
		...FUNCTIONAL_AREAS.map(([code, name], i) => ({ code, name, level: 'functional', parent_code: CITY.code, path: `/${CITY.code}/${code}/`, sort: 100 + i })),
		...TOWNS.map(([code, parent, name], i) => ({ code, name, level: 'town', parent_code: parent, path: `/${CITY.code}/${parent}/${code}/`, sort: i }))
	];
	await db.insertInto('regions').values(regions).onConflict((oc) => oc.column('code').doNothing()).execute();
	await db
		.insertInto('industries')
		.values(
			INDUSTRIES.map(([code, name, parent, high], i) => ({
				code,
				name,
				parent_code: parent,
				high_risk: high,
				high_risk_basis: high ? HIGH_RISK_BASIS : null,
				sort: i
			}))
		)
		.onConflict((oc) => oc.column('code').doNothing())
		.execute();
	await db
		.insertInto('special_operations')
		.values(SPECIAL_OPERATIONS.map(([code, category, item], i) => ({ code, category, item, sort: i })))
		.onConflict((oc) => oc.column('code').doNothing())
		.execute();
	await upsertRequirementRules(db);
	// 特种作业 实操 scoring sheets (issue 13): reference data, versioned, never edited in place
	await upsertPracticalSheets(db, new Date('2026-12-05T00:00:00Z'));
}

/** On an empty database: reference data, then the demo organisations, people and accounts. */
export async function seedIfEmpty(db: Db, options: { demo?: boolean } = {}): Promise<boolean> {
	return db.transaction().execute(async (tx) => {
		// Two instances starting together against one server must not both seed.
		await sql`select pg_advisory_xact_lock(7320412)`.execute(tx);
		const existing = await tx.selectFrom('organisations').select('id').limit(1).executeTakeFirst();
		await seedReference(tx);
		if (existing || options.demo === false) return false;
		await seedDemo(tx);
		await syncRepositoryBanks(tx, questionBanksDir(), new Date());
		await seedDemoStudy(tx, new Date());
		await seedDemoExams(tx, new Date());
		await seedDemoCertificates(tx, new Date());
		await seedDemoCoverage(tx, new Date());
		await seedDemoFace(tx, new Date());
		return true;
	});
}

/** question-banks/ of the checkout (the built server runs from build/, tests from the root). */
export function questionBanksDir(): string {
	if (process.env.ANXUN_QUESTION_BANKS) return process.env.ANXUN_QUESTION_BANKS;
	const local = fileURLToPath(new URL('../question-banks', import.meta.url));
	return existsSync(local) ? local : 'question-banks';
}
