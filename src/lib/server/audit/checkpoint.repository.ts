import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { AUDIT_LOCK_KEY, GENESIS_HASH } from './audit.ts';
import { checkpointHash, checkpointSigningBytes, type AuditCheckpoint, type AuditHeadDocument } from './checkpoint.ts';
import { ensureIssuerKeys, PLATFORM_ISSUER_NAME } from '../certificates/keys.ts';
import { signEd25519 } from '../certificates/signature.ts';

function toCheckpoint(r: { seq: number; at: Date; last_id: number | string; head_hash: string; entry_count: number | string; prev: string; kid: string; signature: string }): AuditCheckpoint {
	return { seq: r.seq, at: new Date(r.at).toISOString(), lastId: Number(r.last_id), headHash: r.head_hash, count: Number(r.entry_count), prev: r.prev, kid: r.kid, signature: r.signature };
}

export async function listAuditCheckpoints(db: Db): Promise<AuditCheckpoint[]> {
	return (await db.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute()).map(toCheckpoint);
}

/**
 * Signs the chain head as it is now, unless nothing was appended since the last checkpoint.
 * Holds the append lock, so the head cannot move while it is read.
 */
export async function createAuditCheckpoint(db: Db, now: Date): Promise<AuditCheckpoint | null> {
	return withTransaction(db, async (tx) => {
		const keys = await ensureIssuerKeys(tx, null, now);
		await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(tx);
		const head = await tx.selectFrom('audit_log').select(['id', 'hash']).orderBy('id', 'desc').limit(1).executeTakeFirst();
		const lastRow = await tx.selectFrom('audit_checkpoints').selectAll().orderBy('seq', 'desc').limit(1).executeTakeFirst();
		const last = lastRow ? toCheckpoint(lastRow) : null;
		if (!head || (last && last.lastId === Number(head.id))) return null;
		const added = await tx
			.selectFrom('audit_log')
			.select((eb) => eb.fn.countAll<string>().as('n'))
			.where('id', '>', last?.lastId ?? 0)
			.where('id', '<=', Number(head.id))
			.executeTakeFirstOrThrow();
		const unsigned = {
			seq: (last?.seq ?? 0) + 1,
			at: new Date(Math.floor(now.getTime())).toISOString(),
			lastId: Number(head.id),
			headHash: head.hash,
			count: (last?.count ?? 0) + Number(added.n),
			prev: last ? checkpointHash(last) : GENESIS_HASH,
			kid: keys.ed25519.kid
		};
		const checkpoint: AuditCheckpoint = { ...unsigned, signature: signEd25519(keys.ed25519.privateKey, checkpointSigningBytes(unsigned)) };
		await tx
			.insertInto('audit_checkpoints')
			.values({ seq: checkpoint.seq, at: new Date(checkpoint.at), last_id: checkpoint.lastId, head_hash: checkpoint.headHash, entry_count: checkpoint.count, prev: checkpoint.prev, kid: checkpoint.kid, signature: checkpoint.signature })
			.execute();
		return checkpoint;
	});
}

/** The document served at /.well-known/anxun-audit-head.json: every checkpoint, newest last. */
export async function auditHeadDocument(db: Db, now: Date): Promise<AuditHeadDocument> {
	const checkpoints = await listAuditCheckpoints(db);
	return { issuer: PLATFORM_ISSUER_NAME, generated: now.toISOString(), latest: checkpoints.at(-1) ?? null, checkpoints };
}
