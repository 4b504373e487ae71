// npm run admin:create -- --account <手机号> --name <姓名>
// The first platform admin of a deployment: prints a one-time password that must be changed at
// first login. Works on DATABASE_URL or the PGlite data directory (ANXUN_DATA_DIR, ./data) while
// no server holds it; runs the migrations and loads the reference data first.
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { databaseOptionsFromEnv, migrateToLatest, openDatabase } from '../src/lib/server/db/index.ts';
import { seedReference } from '../seeds/index.ts';
import { createPlatformAdmin } from '../src/lib/server/admin/create-platform-admin.ts';
import { mobileSchema, personNameSchema } from '../src/lib/schemas/person.ts';

const USAGE = '用法：npm run admin:create -- --account <手机号> --name <姓名>';

let args;
try {
	args = parseArgs({ options: { account: { type: 'string' }, name: { type: 'string' } }, strict: true }).values;
} catch (e) {
	console.error(`${(e as Error).message}\n${USAGE}`);
	process.exit(2);
}
const parsed = z.object({ account: mobileSchema, name: personNameSchema }).safeParse(args);
if (!parsed.success) {
	for (const issue of parsed.error.issues) console.error(`${issue.path[0] === 'name' ? '--name' : '--account'}：${issue.message}`);
	console.error(USAGE);
	process.exit(2);
}

const database = await openDatabase(databaseOptionsFromEnv());
try {
	await migrateToLatest(database.db);
	await seedReference(database.db);
	const result = await createPlatformAdmin(database.db, { mobile: parsed.data.account, name: parsed.data.name, now: new Date() });
	if (!result.ok) {
		console.error(`未创建：${Object.values(result.errors).join('；')}`);
		process.exitCode = 1;
	} else {
		console.log(`已创建平台管理员 ${parsed.data.name}（账号 ${parsed.data.account}，db=${database.kind}）。`);
		console.log(`一次性密码：${result.password}`);
		console.log('此密码只显示这一次；首次登录后必须修改密码。');
	}
} finally {
	await database.close();
}
