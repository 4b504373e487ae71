import { sql } from 'kysely';
import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { withTransaction, type Tx } from '../db/transaction.ts';

export const GENESIS_HASH = '0'.repeat(64);
// Any constant: serialises appends so each entry links to the one before it.
export const AUDIT_LOCK_KEY = 7_320_411;

export type AuditEntryInput = {
	at: Date;
	actorUserId: number | null;
	actorRole?: string | null;
	action: string;
	target?: string | null;
	detail?: Record<string, unknown>;
	ip?: string | null;
};

type HashedFields = {
	at: Date;
	actor_user_id: number | null;
	actor_role: string | null;
	action: string;
	target: string | null;
	detail: unknown;
	ip: string | null;
};

/** JSON with object keys sorted at every level: jsonb reorders keys, the hash must not care. */
export function canonicalJson(value: unknown): string {
	if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
	if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
	const obj = value as Record<string, unknown>;
	const keys = Object.keys(obj)
		.filter((k) => obj[k] !== undefined)
		.sort();
	return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

export function hashAuditEntry(prevHash: string, e: HashedFields): string {
	const body = canonicalJson({
		at: new Date(e.at).toISOString(),
		actor_user_id: e.actor_user_id,
		actor_role: e.actor_role,
		action: e.action,
		target: e.target,
		detail: e.detail,
		ip: e.ip
	});
	return createHash('sha256').update(`${prevHash}\n${body}`).digest('hex');
}

/** Appends one entry to the hash-chained audit log. Joins the caller's transaction if any. */
export async function appendAudit(db: Db, input: AuditEntryInput): Promise<void> {
	await withTransaction(db, async (tx: Tx) => {
		await sql`select pg_advisory_xact_lock(${AUDIT_LOCK_KEY})`.execute(tx);
		const last = await tx.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst();
		const prevHash = last?.hash ?? GENESIS_HASH;
		// Millisecond precision so the value read back hashes the same as the one written.
		const at = new Date(Math.floor(input.at.getTime()));
		const fields: HashedFields = {
			at,
			actor_user_id: input.actorUserId,
			actor_role: input.actorRole ?? null,
			action: input.action,
			target: input.target ?? null,
			detail: input.detail ?? {},
			ip: input.ip ?? null
		};
		await tx
			.insertInto('audit_log')
			.values({ ...fields, detail: JSON.stringify(fields.detail), prev_hash: prevHash, hash: hashAuditEntry(prevHash, fields) })
			.execute();
	});
}

export type AuditProblem =
	| { id: number; problem: 'edited' | 'broken_link' }
	/** The checkpoint's entry is gone (deleted or truncated), or rewritten (another hash), or entries before it were removed (count). */
	| { id: number; problem: 'checkpoint_missing' | 'checkpoint_mismatch' | 'checkpoint_count'; seq: number };
export type AuditVerification = { ok: boolean; entries: number; problems: AuditProblem[] };
export type ChainCheckpoint = { seq: number; lastId: number; headHash: string; count: number };

/**
 * Walks the chain: an edited row no longer matches its hash; a deleted row breaks the link.
 * With signed checkpoints (checked separately), also: every checkpoint's entry must still be
 * there with the same hash and the same number of entries up to it — which catches a rewrite
 * whose chain was recomputed, and deletion or truncation of anything up to a checkpoint.
 */
export async function verifyAuditChain(db: Db, batchSize = 5000, checkpoints: readonly ChainCheckpoint[] = []): Promise<AuditVerification> {
	const problems: AuditProblem[] = [];
	const pending = [...checkpoints].sort((a, b) => a.lastId - b.lastId);
	let prevHash = GENESIS_HASH;
	let lastId = 0;
	let entries = 0;
	// checkpoints whose entry id was passed without being seen
	const settle = (beforeId: number) => {
		while (pending.length && pending[0]!.lastId < beforeId) {
			const c = pending.shift()!;
			problems.push({ id: c.lastId, problem: 'checkpoint_missing', seq: c.seq });
		}
	};
	for (;;) {
		const rows = await db
			.selectFrom('audit_log')
			.selectAll()
			.where('id', '>', lastId)
			.orderBy('id')
			.limit(batchSize)
			.execute();
		for (const row of rows) {
			const id = Number(row.id);
			entries++;
			if (row.prev_hash !== prevHash) problems.push({ id, problem: 'broken_link' });
			const detail = typeof row.detail === 'string' ? JSON.parse(row.detail) : row.detail;
			if (hashAuditEntry(row.prev_hash, { ...row, detail }) !== row.hash) problems.push({ id, problem: 'edited' });
			settle(id);
			while (pending.length && pending[0]!.lastId === id) {
				const c = pending.shift()!;
				if (c.headHash !== row.hash) problems.push({ id, problem: 'checkpoint_mismatch', seq: c.seq });
				else if (c.count !== entries) problems.push({ id, problem: 'checkpoint_count', seq: c.seq });
			}
			prevHash = row.hash;
			lastId = id;
		}
		if (rows.length < batchSize) break;
	}
	settle(Number.POSITIVE_INFINITY);
	return { ok: problems.length === 0, entries, problems };
}

export async function listRecentAudit(db: Db, limit: number) {
	return db
		.selectFrom('audit_log')
		.select(['id', 'at', 'action', 'target', 'actor_user_id', 'ip'])
		.orderBy('id', 'desc')
		.limit(limit)
		.execute();
}
