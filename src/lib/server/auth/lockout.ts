import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';

// Login lockout is derived from the audit log itself (login.failed / login.unknown_account
// entries), so a failed login writes exactly one row: its audit entry. Failures are keyed by
// the normalised identifier typed in, not by user id, so an unknown account counts down and
// locks exactly like a known one and the answers cannot tell them apart.
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

/** The audit target of login failures for one identifier: a hash, so the log does not hold the raw 身份证号. */
export function loginTarget(account: string): string {
	return `login:${createHash('sha256').update(`anxun-login\n${account}`).digest('hex').slice(0, 32)}`;
}

export async function recentFailures(db: Db, account: string, userId: number | null, now: Date): Promise<Date[]> {
	const target = loginTarget(account);
	const since = new Date(now.getTime() - LOCK_WINDOW_MS - LOCK_DURATION_MS);
	const lastReset = await db
		.selectFrom('audit_log')
		.select('at')
		.where('target', 'in', userId === null ? [target] : [target, `user:${userId}`])
		.where('action', 'in', ['login.ok', 'account.unlock', 'password.reset'])
		.where('at', '>=', since)
		.orderBy('at', 'desc')
		.limit(1)
		.executeTakeFirst();
	const rows = await db
		.selectFrom('audit_log')
		.select('at')
		.where('target', '=', target)
		.where('action', 'in', ['login.failed', 'login.unknown_account'])
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
