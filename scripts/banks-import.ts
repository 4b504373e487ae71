// npm run banks:import — syncs question-banks/ into the database (DATABASE_URL or the PGlite data dir).
import { databaseOptionsFromEnv, migrateToLatest, openDatabase } from '../src/lib/server/db/index.ts';
import { syncRepositoryBanks } from '../src/lib/server/question-bank/sync.ts';

const database = await openDatabase(databaseOptionsFromEnv());
try {
	await migrateToLatest(database.db);
	const results = await syncRepositoryBanks(database.db, process.argv[2] ?? 'question-banks', new Date());
	for (const [code, s] of Object.entries(results)) {
		console.log(`${code}: 新增 ${s.added}，修改 ${s.changed}，未变 ${s.unchanged}，停用 ${s.retired}，恢复 ${s.restored}，待复核 ${s.flagged}`);
	}
} catch (e) {
	console.error((e as Error).message);
	process.exitCode = 1;
} finally {
	await database.close();
}
