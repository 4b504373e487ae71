import type { Db } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { hashPassword, verifyDummyPassword, verifyPassword } from './password.ts';
import { countIpFailures, IP_SLOW_THRESHOLD, LOCK_THRESHOLD, lockedUntil, recentFailures } from './lockout.ts';
import { createSession, invalidateUserSessions } from './session.ts';
import { maskIdNumber, maskMobile } from '../../domain/identifiers.ts';

export type LoginResult =
	| { ok: true; token: string; expiresAt: Date; userId: number; mustChangePassword: boolean; ipSlowed: boolean }
	| { ok: false; reason: 'invalid'; remaining: number | null; ipSlowed: boolean }
	| { ok: false; reason: 'locked'; until: Date; ipSlowed: boolean }
	| { ok: false; reason: 'disabled'; ipSlowed: boolean };

function maskAccount(account: string): string {
	return account.length === 11 ? maskMobile(account) : maskIdNumber(account);
}

/** `account` is a normalised 手机号 (11 digits) or 身份证号 (18 chars, upper-case X). */
export async function loginWithPassword(
	db: Db,
	input: { account: string; password: string; ip: string; now: Date }
): Promise<LoginResult> {
	const { account, password, ip, now } = input;
	const ipSlowed = (await countIpFailures(db, ip, now)) >= IP_SLOW_THRESHOLD;
	const column = account.length === 11 ? 'mobile' : 'id_number';
	const user = await db
		.selectFrom('users')
		.select(['id', 'password_hash', 'must_change_password', 'disabled'])
		.where(column, '=', account)
		.executeTakeFirst();

	if (!user) {
		await verifyDummyPassword(password);
		await appendAudit(db, { at: now, actorUserId: null, action: 'login.unknown_account', target: null, detail: { account: maskAccount(account) }, ip });
		return { ok: false, reason: 'invalid', remaining: null, ipSlowed };
	}
	const target = `user:${user.id}`;
	const locked = lockedUntil(await recentFailures(db, user.id, now), now);
	if (locked) {
		await appendAudit(db, { at: now, actorUserId: null, action: 'login.locked', target, detail: { until: locked.toISOString() }, ip });
		return { ok: false, reason: 'locked', until: locked, ipSlowed };
	}
	if (!(await verifyPassword(user.password_hash, password))) {
		await appendAudit(db, { at: now, actorUserId: null, action: 'login.failed', target, ip });
		const failures = await recentFailures(db, user.id, now);
		const nowLocked = lockedUntil(failures, now);
		if (nowLocked) return { ok: false, reason: 'locked', until: nowLocked, ipSlowed };
		return { ok: false, reason: 'invalid', remaining: LOCK_THRESHOLD - failures.length, ipSlowed };
	}
	if (user.disabled) {
		await appendAudit(db, { at: now, actorUserId: user.id, action: 'login.disabled', target, ip });
		return { ok: false, reason: 'disabled', ipSlowed };
	}
	const membership = await db
		.selectFrom('memberships')
		.select('id')
		.where('user_id', '=', user.id)
		.orderBy('id')
		.limit(1)
		.executeTakeFirst();
	const { token, session } = await db.transaction().execute(async (tx) => {
		const created = await createSession(tx, user.id, membership?.id ?? null, now);
		await appendAudit(tx, { at: now, actorUserId: user.id, action: 'login.ok', target, ip });
		return created;
	});
	return { ok: true, token, expiresAt: session.expiresAt, userId: user.id, mustChangePassword: user.must_change_password, ipSlowed };
}

export type ChangePasswordResult = { ok: true } | { ok: false; reason: 'wrong_current' | 'same_as_old' };

export async function changePassword(
	db: Db,
	input: { userId: number; sessionId: string; current: string; next: string; ip: string; now: Date }
): Promise<ChangePasswordResult> {
	const user = await db.selectFrom('users').select(['password_hash']).where('id', '=', input.userId).executeTakeFirstOrThrow();
	if (!(await verifyPassword(user.password_hash, input.current))) {
		await appendAudit(db, { at: input.now, actorUserId: input.userId, action: 'password.change_failed', target: `user:${input.userId}`, ip: input.ip });
		return { ok: false, reason: 'wrong_current' };
	}
	if (input.current === input.next) return { ok: false, reason: 'same_as_old' };
	const passwordHash = await hashPassword(input.next);
	await db.transaction().execute(async (tx) => {
		await tx.updateTable('users').set({ password_hash: passwordHash, must_change_password: false }).where('id', '=', input.userId).execute();
		// Other devices must sign in again with the new password.
		await invalidateUserSessions(tx, input.userId, input.sessionId);
		await appendAudit(tx, { at: input.now, actorUserId: input.userId, action: 'password.changed', target: `user:${input.userId}`, ip: input.ip });
	});
	return { ok: true };
}
