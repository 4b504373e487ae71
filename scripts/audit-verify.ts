// npm run audit:verify [-- --checkpoints <file|url>] [--keys <file|url>] [--checkpoint]
// Walks the audit log's hash chain and checks the signed checkpoints of its head: each one's
// signature (platform Ed25519 key), their sequence, and that each checkpoint's entry is still
// in the chain with the same hash and the same count before it. --checkpoints takes a copy kept
// outside the database (e.g. a saved /.well-known/anxun-audit-head.json), so deleting or
// rewriting rows AND the database's own checkpoints is still found; --keys a saved
// /.well-known/anxun-keys.json (else the keys in the database). --checkpoint signs a new
// checkpoint after a clean check. Exit code 0: intact; 1: tampering found; 2: usage.
import { readFileSync } from 'node:fs';
import { databaseOptionsFromEnv, openDatabase } from '../src/lib/server/db/index.ts';
import { verifyAuditChain } from '../src/lib/server/audit/audit.ts';
import { checkCheckpoints, parseAuditHead, type AuditCheckpoint } from '../src/lib/server/audit/checkpoint.ts';
import { createAuditCheckpoint, listAuditCheckpoints } from '../src/lib/server/audit/checkpoint.repository.ts';
import { listPublishedKeys } from '../src/lib/server/certificates/keys.ts';
import type { PublishedKeys } from '../src/lib/server/certificates/signature.ts';

const args = process.argv.slice(2);
const opt = (name: string) => {
	const i = args.indexOf(`--${name}`);
	if (i < 0) return null;
	const v = args[i + 1];
	if (!v || v.startsWith('--')) {
		console.error(`--${name} 需要一个文件或 URL`);
		process.exit(2);
	}
	args.splice(i, 2);
	return v;
};
const checkpointsSrc = opt('checkpoints');
const keysSrc = opt('keys');
const sign = args.includes('--checkpoint');

async function load(src: string): Promise<unknown> {
	if (/^https?:\/\//.test(src)) {
		const r = await fetch(src);
		if (!r.ok) throw new Error(`无法获取 ${src}：HTTP ${r.status}`);
		return r.json();
	}
	return JSON.parse(readFileSync(src, 'utf8'));
}

let outside: AuditCheckpoint[] = [];
let outsideKeys: PublishedKeys | null = null;
try {
	if (checkpointsSrc) outside = parseAuditHead(await load(checkpointsSrc));
	if (keysSrc) outsideKeys = (await load(keysSrc)) as PublishedKeys;
} catch (e) {
	console.error(`读取文件失败：${(e as Error).message}`);
	process.exit(2);
}

const database = await openDatabase(databaseOptionsFromEnv());
try {
	const now = new Date();
	const stored = await listAuditCheckpoints(database.db);
	const keys = outsideKeys ?? (await listPublishedKeys(database.db, now));
	const lines: string[] = [];
	let bad = 0;
	for (const p of checkCheckpoints(stored, keys)) {
		bad++;
		lines.push(`数据库中的检查点 #${p.seq}：${p.problem === 'signature' ? '签名无效（不是平台密钥所签，或内容被改）' : '序号或前一检查点哈希不连续（检查点被删除或替换）'}`);
	}
	for (const p of checkCheckpoints(outside, keys)) {
		bad++;
		lines.push(`外部副本中的检查点 #${p.seq}：${p.problem === 'signature' ? '签名无效' : '序号或前一检查点哈希不连续'}`);
	}
	const bySeq = new Map(stored.map((c) => [c.seq, c]));
	for (const c of outside) {
		const mine = bySeq.get(c.seq);
		if (!mine || mine.signature !== c.signature) {
			bad++;
			lines.push(`外部副本中的检查点 #${c.seq} 在数据库中${mine ? '内容不同' : '不存在'}（数据库中的检查点被删除或替换）`);
		}
		bySeq.set(c.seq, c); // the outside copy is the one trusted
	}
	const chain = await verifyAuditChain(database.db, 5000, [...bySeq.values()]);
	const LABELS: Record<string, string> = {
		edited: '记录内容与其哈希不符（被修改）',
		broken_link: '与上一条记录的哈希链断开（前面的记录被删除或修改）',
		checkpoint_missing: '已签名检查点记录的这一条不存在（被删除或清空）',
		checkpoint_mismatch: '与已签名检查点记录的哈希不同（被改写并重算了哈希链）',
		checkpoint_count: '到这一条为止的记录数与已签名检查点不同（前面的记录被删除并重算了哈希链）'
	};
	for (const p of chain.problems) lines.push(`audit_log #${p.id}: ${LABELS[p.problem]}${'seq' in p ? `（检查点 #${p.seq}）` : ''}`);
	for (const line of lines) console.log(line);
	const problems = bad + chain.problems.length;
	const latest = [...bySeq.values()].sort((a, b) => b.seq - a.seq)[0];
	console.log(
		problems === 0
			? `审计日志完整：${chain.entries} 条记录校验通过，${bySeq.size} 个签名检查点${latest ? `（最新 #${latest.seq}，截至 ${latest.at}）` : ''}`
			: `审计日志异常：${problems} 处`
	);
	console.log(`entries=${chain.entries} checkpoints=${bySeq.size} problems=${problems}`);
	if (problems === 0 && sign) {
		const c = await createAuditCheckpoint(database.db, now);
		console.log(c ? `已签署检查点 #${c.seq}（截至记录 #${c.lastId}）` : '自上一检查点以来没有新记录，未签署新检查点');
	}
	process.exitCode = problems === 0 ? 0 : 1;
} finally {
	await database.close();
}
