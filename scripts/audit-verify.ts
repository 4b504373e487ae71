// npm run audit:verify — walks the audit log's hash chain; exits 1 on any edited or deleted row.
import { databaseOptionsFromEnv, openDatabase } from '../src/lib/server/db/index.ts';
import { verifyAuditChain } from '../src/lib/server/audit/audit.ts';

const database = await openDatabase(databaseOptionsFromEnv());
try {
	const result = await verifyAuditChain(database.db);
	for (const p of result.problems) {
		console.log(`audit_log #${p.id}: ${p.problem === 'edited' ? '记录内容与其哈希不符（被修改）' : '与上一条记录的哈希链断开（前面的记录被删除或修改）'}`);
	}
	console.log(result.ok ? `审计日志完整：${result.entries} 条记录校验通过` : `审计日志异常：${result.problems.length} 处`);
	console.log(`entries=${result.entries} problems=${result.problems.length}`);
	process.exitCode = result.ok ? 0 : 1;
} finally {
	await database.close();
}
