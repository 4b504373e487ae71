import { createHash } from 'node:crypto';
import { canonicalJson, GENESIS_HASH } from './audit.ts';
import { verifyEd25519, type PublishedKeys } from '../certificates/signature.ts';

// Signed checkpoints of the audit chain's head. Each one names the last entry's id and hash,
// how many entries the chain had up to it, and the hash of the checkpoint before it; the
// platform's Ed25519 key signs it. A copy kept outside the database (the published
// /.well-known/anxun-audit-head.json) then proves a later rewrite, deletion or truncation of
// anything up to the checkpoint, because the key is not in the database (only encrypted).

export type AuditCheckpoint = { seq: number; at: string; lastId: number; headHash: string; count: number; prev: string; kid: string; signature: string };
export type AuditHeadDocument = { issuer: string; generated: string; latest: AuditCheckpoint | null; checkpoints: AuditCheckpoint[] };

export function checkpointSigningBytes(c: Omit<AuditCheckpoint, 'signature'>): Buffer {
	const { seq, at, lastId, headHash, count, prev, kid } = c;
	return Buffer.from(canonicalJson({ type: 'AnxunAuditCheckpoint', seq, at, lastId, headHash, count, prev, kid }), 'utf8');
}

/** What the next checkpoint's `prev` names: a hash of this one, signature included. */
export function checkpointHash(c: AuditCheckpoint): string {
	return createHash('sha256').update(checkpointSigningBytes(c)).update(`\n${c.signature}`).digest('hex');
}

export type CheckpointProblem = { seq: number; problem: 'signature' | 'sequence' };

/** Signatures (platform key, issuer id null) and the chain of checkpoints (seq 1, 2, … each naming the one before). */
export function checkCheckpoints(checkpoints: readonly AuditCheckpoint[], keys: PublishedKeys): CheckpointProblem[] {
	const problems: CheckpointProblem[] = [];
	const sorted = [...checkpoints].sort((a, b) => a.seq - b.seq);
	let prev: AuditCheckpoint | null = null;
	for (const c of sorted) {
		const key = keys.keys.find((k) => k.kid === c.kid && k.alg === 'Ed25519' && k.issuer.id === null && !k.revoked);
		if (!key || !verifyEd25519(key.publicKey, checkpointSigningBytes(c), c.signature)) problems.push({ seq: c.seq, problem: 'signature' });
		const expectedPrev = prev ? checkpointHash(prev) : GENESIS_HASH;
		// an outside copy may start later (prev unknown); a gap in a full list is a removed checkpoint
		if (prev ? prev.seq !== c.seq - 1 || c.prev !== expectedPrev : c.seq === 1 && c.prev !== GENESIS_HASH) problems.push({ seq: c.seq, problem: 'sequence' });
		prev = c;
	}
	return problems;
}

export function parseAuditHead(value: unknown): AuditCheckpoint[] {
	const list = Array.isArray(value) ? value : (value as { checkpoints?: unknown })?.checkpoints;
	if (!Array.isArray(list)) throw new Error('不是审计检查点文件（应为 anxun-audit-head.json 或检查点数组）');
	return list.map((c: Record<string, unknown>, i) => {
		const ok =
			c && Number.isSafeInteger(c.seq) && typeof c.at === 'string' && Number.isSafeInteger(c.lastId) && typeof c.headHash === 'string' && Number.isSafeInteger(c.count) && typeof c.prev === 'string' && typeof c.kid === 'string' && typeof c.signature === 'string';
		if (!ok) throw new Error(`第 ${i + 1} 个检查点格式不正确`);
		return c as unknown as AuditCheckpoint;
	});
}
