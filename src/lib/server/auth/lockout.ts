import type { Db } from '../db/index.ts';

// Login lockout is derived from the audit log itself (login.failed entries), so a failed
// login writes exactly one row: its audit entry.
export const LOCK_THRESHOLD = 5;
export const LOCK_WINDOW_MS = 15 * 60 * 1000;
export const LOCK_DURATION_MS = 15 * 60 * 1000;
export const IP_SLOW_THRESHOLD = 20;

/** Pure rule: given the failures since the last success (newest first), until when is the account locked? */
export function lockedUntil(failuresNewestFirst: Date[], now: Date): Date | null {
	if (failuresNewestFirst.length < LOCK_THRESHOLD) return null;
	const newest = failuresNewestFirst[0]!;
	const fifth = failuresNewestFirst[LOCK_THRESHOLD - 1]!;
	if (newest.getTime() - fifth.getTime() > LOCK_WINDOW_MS) return null;
	const until = new Date(newest.getTime() + LOCK_DURATION_MS);
	return until.getTime() > now.getTime() ? until : null;
}

export async function recentFailures(db: Db, userId: number, now: Date): Promise<Date[]> {
	const target = `user:${userId}`;
	const since = new Date(now.getTime() - LOCK_WINDOW_MS - LOCK_DURATION_MS);
	const lastReset = await db
		.selectFrom('audit_log')
		.select('at')
		.where('target', '=', target)
		.where('action', 'in', ['login.ok', 'account.unlock', 'password.reset'])
		.where('at', '>=', since)
		.orderBy('at', 'desc')
		.limit(1)
		.executeTakeFirst();
	const rows = await db
		.selectFrom('audit_log')
		.select('at')
		.where('target', '=', target)
		.where('action', '=', 'login.failed')
		.where('at', '>', lastReset?.at ?? since)
		.orderBy('at', 'desc')
		.limit(LOCK_THRESHOLD)
		.execute();
	return rows.map((r) => r.at);
}

export async function countIpFailures(db: Db, ip: string, now: Date): Promise<number> {
	const row = await db
		.selectFrom('audit_log')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('ip', '=', ip)
		.where('action', 'in', ['login.failed', 'login.unknown_account', 'login.locked'])
		.where('at', '>', new Date(now.getTime() - LOCK_WINDOW_MS))
		.executeTakeFirstOrThrow();
	return Number(row.n);
}
