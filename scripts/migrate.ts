import { databaseOptionsFromEnv, migrateToLatest, openDatabase } from '../src/lib/server/db/index.ts';

const database = await openDatabase(databaseOptionsFromEnv());
const applied = await migrateToLatest(database.db);
console.log(`migrations=${applied} db=${database.kind}`);
await database.close();
