import type { Insertable } from 'kysely';
import type { Db } from '../db/index.ts';
import type { DB } from '../db/schema.ts';

// SQL of the message centre: one person's own messages and notification settings. Every query is
// filtered by user_id, so nobody reads or marks another person's messages.

export async function countUnread(db: Db, userId: number): Promise<number> {
	const row = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirst();
	return Number(row?.n ?? 0);
}

export async function countMessages(db: Db, userId: number): Promise<number> {
	const row = await db.selectFrom('notifications').select((eb) => eb.fn.countAll<string>().as('n')).where('user_id', '=', userId).executeTakeFirst();
	return Number(row?.n ?? 0);
}

export async function listMessagesPage(db: Db, userId: number, limit: number, offset: number) {
	const rows = await db
		.selectFrom('notifications')
		.select(['id', 'kind', 'title', 'body', 'link', 'created_at', 'read_at'])
		.where('user_id', '=', userId)
		.orderBy('created_at', 'desc')
		.orderBy('id', 'desc')
		.limit(limit)
		.offset(offset)
		.execute();
	return rows.map((r) => ({ ...r, id: Number(r.id) }));
}

export async function findOwnMessage(db: Db, userId: number, id: number) {
	const row = await db.selectFrom('notifications').select(['id', 'kind', 'title', 'body', 'link', 'created_at', 'read_at']).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
	return row ? { ...row, id: Number(row.id) } : undefined;
}

export async function setRead(db: Db, userId: number, id: number | null, now: Date): Promise<number> {
	let q = db.updateTable('notifications').set({ read_at: now }).where('user_id', '=', userId).where('read_at', 'is', null);
	if (id !== null) q = q.where('id', '=', id);
	const result = await q.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

export async function findContact(db: Db, userId: number) {
	return db.selectFrom('users').select(['mobile', 'email']).where('id', '=', userId).executeTakeFirst();
}

export async function listOwnOptOuts(db: Db, userId: number) {
	return db.selectFrom('notification_opt_outs').select(['kind', 'channel']).where('user_id', '=', userId).execute();
}

export async function replaceOptOuts(db: Db, userId: number, optOuts: { kind: string; channel: string }[], now: Date): Promise<void> {
	await db.deleteFrom('notification_opt_outs').where('user_id', '=', userId).execute();
	if (optOuts.length) await db.insertInto('notification_opt_outs').values(optOuts.map((o) => ({ user_id: userId, kind: o.kind, channel: o.channel, created_at: now }))).execute();
}

export async function setEmail(db: Db, userId: number, email: string | null): Promise<void> {
	await db.updateTable('users').set({ email }).where('id', '=', userId).execute();
}

/** The new message's id, or null when the user has one with the same dedupe key already. */
export async function insertNotification(db: Db, row: Insertable<DB['notifications']>): Promise<number | null> {
	const r = await db
		.insertInto('notifications')
		.values(row)
		.onConflict((oc) => oc.columns(['user_id', 'dedupe_key']).where('dedupe_key', 'is not', null).doNothing())
		.returning('id')
		.executeTakeFirst();
	return r?.id ?? null;
}
