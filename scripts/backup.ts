// npm run backup -- <file>
// A consistent backup of the configured database (DATABASE_URL, else the PGlite data directory
// ANXUN_DATA_DIR, default ./data, which no running app may hold) into one file with a manifest.
// Exit code 0: written; 1: refused or failed (nothing written); 2: usage.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { databaseOptionsFromEnv } from '../src/lib/server/db/index.ts';
import { backupDatabase } from '../src/lib/server/backup/backup.ts';

const target = process.argv[2];
if (!target || target.startsWith('--')) {
	console.error('用法：npm run backup -- <备份文件>');
	process.exit(2);
}
const file = resolve(target);
const tmp = `${file}.partial`;
try {
	const { file: bytes, manifest } = await backupDatabase(databaseOptionsFromEnv(), new Date());
	// written next to the target, then renamed: a crash never leaves a half file under the real name
	writeFileSync(tmp, bytes, { mode: 0o600 });
	renameSync(tmp, file);
	const rows = Object.values(manifest.tables).reduce((a, b) => a + b, 0);
	console.log(`备份完成：${file}`);
	console.log(`  数据库：${manifest.backend === 'postgres' ? 'PostgreSQL' : 'PGlite 数据目录'} ${manifest.serverVersion}，结构版本 ${manifest.schemaVersion}`);
	console.log(`  ${Object.keys(manifest.tables).length} 张表，共 ${rows} 行；审计日志 ${manifest.audit.entries} 条`);
	console.log(`  SHA-256 ${manifest.payload.sha256}（${manifest.payload.bytes} 字节）`);
} catch (e) {
	rmSync(tmp, { force: true });
	console.error(`备份失败：${(e as Error).message}`);
	process.exitCode = 1;
}
