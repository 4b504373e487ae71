import { sql, type Insertable } from 'kysely';
import type { Db } from '../db/index.ts';
import type { DB } from '../db/schema.ts';

// SQL of the outbound sender: claim a due row, count a person's sends today, record the outcome.

export type OutboundRow = {
	id: number;
	user_id: number | null;
	channel: 'sms' | 'email';
	address: string;
	subject: string | null;
	body: string;
	kind: string;
	idempotency_key: string;
	attempts: number;
};

/** The oldest due queued row, locked (FOR UPDATE SKIP LOCKED: two workers never pick the same row). */
export async function lockNextDue(db: Db, now: Date): Promise<OutboundRow | null> {
	const { rows } = await sql<OutboundRow>`
		select id, user_id, channel, address, subject, body, kind, idempotency_key, attempts from outbound_messages
		where status = 'queued' and next_attempt_at <= ${now}
		order by next_attempt_at, id
		limit 1
		for update skip locked`.execute(db);
	const row = rows[0];
	return row ? { ...row, id: Number(row.id), attempts: Number(row.attempts) } : null;
}

/** Serialises the cap check of one person (or one address) across workers until the transaction ends. */
export async function lockRecipient(db: Db, row: Pick<OutboundRow, 'user_id' | 'address'>): Promise<void> {
	if (row.user_id !== null) await db.selectFrom('users').select('id').where('id', '=', row.user_id).forUpdate().execute();
	else await sql`select pg_advisory_xact_lock(hashtext(${'outbound:' + row.address}))`.execute(db);
}

/** Messages sent to this person (or address) since `since`, plus those being sent right now. */
export async function countSentSince(db: Db, row: Pick<OutboundRow, 'user_id' | 'address'>, since: Date): Promise<number> {
	const who = row.user_id !== null ? sql`user_id = ${row.user_id}` : sql`user_id is null and address = ${row.address}`;
	const { rows } = await sql<{ n: number | string }>`
		select count(*) as n from outbound_messages
		where ${who} and ((status = 'sent' and sent_at >= ${since}) or status = 'sending')`.execute(db);
	return Number(rows[0]?.n ?? 0);
}

export async function listOptOuts(db: Db, userId: number) {
	return db.selectFrom('notification_opt_outs').select(['kind', 'channel']).where('user_id', '=', userId).execute();
}

export async function markSuppressed(db: Db, id: number, reason: string): Promise<void> {
	await db.updateTable('outbound_messages').set({ status: 'suppressed', last_error: reason }).where('id', '=', id).execute();
}

/** The claim: from here on the row is never picked again unless this worker puts it back. */
export async function markSending(db: Db, id: number, leaseUntil: Date): Promise<void> {
	await db
		.updateTable('outbound_messages')
		.set((eb) => ({ status: 'sending', attempts: eb('attempts', '+', 1), next_attempt_at: leaseUntil }))
		.where('id', '=', id)
		.execute();
}

export async function markSent(db: Db, id: number, now: Date): Promise<void> {
	await db.updateTable('outbound_messages').set({ status: 'sent', sent_at: now, last_error: null }).where('id', '=', id).where('status', '=', 'sending').execute();
}

/** A failed attempt: queued again at `retryAt`, or failed for good when retryAt is null. */
export async function markAttemptFailed(db: Db, id: number, error: string, retryAt: Date | null): Promise<void> {
	await db
		.updateTable('outbound_messages')
		.set(retryAt ? { status: 'queued', next_attempt_at: retryAt, last_error: error } : { status: 'failed', last_error: error })
		.where('id', '=', id)
		.where('status', '=', 'sending')
		.execute();
}

/** Rows left 'sending' past their lease: the worker died between claim and record. Never resent. */
export async function failStaleSending(db: Db, now: Date, reason: string): Promise<number> {
	const result = await db
		.updateTable('outbound_messages')
		.set({ status: 'failed', last_error: reason })
		.where('status', '=', 'sending')
		.where('next_attempt_at', '<', now)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

export async function hasDueOutbound(db: Db, now: Date): Promise<boolean> {
	const row = await db
		.selectFrom('outbound_messages')
		.select('id')
		.where((eb) => eb.or([eb('status', '=', 'queued'), eb('status', '=', 'sending')]))
		.where('next_attempt_at', '<=', now)
		.limit(1)
		.executeTakeFirst();
	return row !== undefined;
}

/** Queues one message; false when one with the same idempotency key was queued before. */
export async function insertOutbound(db: Db, row: Insertable<DB['outbound_messages']>): Promise<boolean> {
	const r = await db.insertInto('outbound_messages').values(row).onConflict((oc) => oc.column('idempotency_key').doNothing()).returning('id').executeTakeFirst();
	return r !== undefined;
}
