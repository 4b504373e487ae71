// npm run restore -- <file>
// Restores a backup made by `npm run backup` into the configured database (DATABASE_URL) or
// data directory (ANXUN_DATA_DIR), which must be empty; then checks every table's row count
// against the manifest and walks the audit chain with its signed checkpoints.
// Exit code 0: restored and verified; 1: refused, failed or verification found differences; 2: usage.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { databaseOptionsFromEnv } from '../src/lib/server/db/index.ts';
import { restoreDatabase } from '../src/lib/server/backup/backup.ts';

const source = process.argv[2];
if (!source || source.startsWith('--')) {
	console.error('用法：npm run restore -- <备份文件>');
	process.exit(2);
}
let bytes: Buffer;
try {
	bytes = readFileSync(resolve(source));
} catch (e) {
	console.error(`无法读取备份文件：${(e as Error).message}`);
	process.exit(2);
}
try {
	const r = await restoreDatabase(databaseOptionsFromEnv(), bytes, new Date());
	console.log(`已恢复 ${r.manifest.createdAt} 的备份（结构版本 ${r.schemaVersion}）`);
	for (const m of r.countMismatches) console.log(`  表 ${m.table}：备份清单 ${m.expected ?? '（无此表）'} 行，恢复后 ${m.actual ?? '（无此表）'} 行`);
	if (r.schemaVersion !== r.manifest.schemaVersion) console.log(`  结构版本不同：清单 ${r.manifest.schemaVersion}，恢复后 ${r.schemaVersion}`);
	for (const p of r.audit.problems) console.log(`  审计日志 #${p.id}：${p.problem}`);
	for (const p of r.audit.checkpointProblems) console.log(`  审计检查点 #${p.seq}：${p.problem === 'signature' ? '签名无效' : '序号不连续'}`);
	if (r.audit.entries !== r.manifest.audit.entries || r.audit.headHash !== r.manifest.audit.headHash) console.log(`  审计日志条数或链头与清单不同（清单 ${r.manifest.audit.entries} 条）`);
	console.log(
		r.ok
			? `校验通过：${Object.keys(r.counts).length} 张表的行数与清单一致；审计日志 ${r.audit.entries} 条、${r.audit.checkpoints} 个签名检查点完整。`
			: '校验未通过：恢复后的数据与备份清单不一致（见上）。请勿投入使用。'
	);
	process.exitCode = r.ok ? 0 : 1;
} catch (e) {
	console.error(`恢复失败：${(e as Error).message}`);
	process.exitCode = 1;
}
