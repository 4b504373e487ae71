// A PGlite data directory holding the demo data and whatever a browser or HTTP test adds to it,
// for a server started on it afterwards. The database modules are imported when called, so the
// Playwright files that import these helpers do not load PGlite themselves.
import type { Db } from '../../src/lib/server/db/index.ts';

/** The demo institution (重庆安训安全技术培训中心), which runs the demo courses and exams. */
export const DEMO_INSTITUTION = '重庆安训安全技术培训中心';

export type DemoRefs = {
	institutionId: number;
	/** The person (and their enterprise) of a demo account, by its mobile number. */
	person(mobile: string): Promise<{ id: number; org_id: number }>;
};

/**
 * Migrates the directory, seeds the demo data, runs `prepare` and closes the database again (the
 * server takes the directory's lock: one process at a time).
 */
export async function prepareDemoDir<T>(dir: string, prepare: (db: Db, demo: DemoRefs) => Promise<T>): Promise<T> {
	const { openDatabase, migrateToLatest } = await import('../../src/lib/server/db/index.ts');
	const { seedIfEmpty } = await import('../../seeds/index.ts');
	const database = await openDatabase({ kind: 'pglite', dataDir: dir });
	try {
		const db = database.db;
		await migrateToLatest(db);
		await seedIfEmpty(db, { demo: true });
		const inst = await db.selectFrom('organisations').select('id').where('name', '=', DEMO_INSTITUTION).executeTakeFirstOrThrow();
		const person = async (mobile: string) => {
			const p = await db
				.selectFrom('users as u')
				.innerJoin('persons as p', 'p.id', 'u.person_id')
				.select(['p.id', 'p.org_id'])
				.where('u.mobile', '=', mobile)
				.executeTakeFirstOrThrow();
			return { id: p.id, org_id: p.org_id };
		};
		return await prepare(db, { institutionId: inst.id, person });
	} finally {
		await database.close();
	}
}
