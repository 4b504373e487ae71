import type { Db } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { hashPassword, verifyDummyPassword, verifyPassword } from './password.ts';
import { countIpFailures, IP_SLOW_THRESHOLD, LOCK_THRESHOLD, LOCK_WINDOW_MS, lockedUntil, loginTarget, recentFailures } from './lockout.ts';
import { createSession, invalidateUserSessions } from './session.ts';
import { maskIdNumber, maskMobile } from '../../domain/identifiers.ts';

export type LoginResult =
	| { ok: true; token: string; expiresAt: Date; userId: number; mustChangePassword: boolean; ipSlowed: boolean }
	| { ok: false; reason: 'invalid'; remaining: number; ipSlowed: boolean }
	| { ok: false; reason: 'locked'; until: Date; ipSlowed: boolean }
	| { ok: false; reason: 'disabled'; ipSlowed: boolean }
	| { ok: false; reason: 'suspended'; ipSlowed: boolean };

function formatClock(d: Date): string {
	return d.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' });
}

/** The one message a failed login shows; it depends only on what an unknown account can produce too. */
export function describeLoginFailure(result: Extract<LoginResult, { ok: false }>): { status: 400 | 429; message: string } {
	const slowNote = result.ipSlowed ? '本IP地址15分钟内登录失败次数过多，登录已被减速处理。' : '';
	if (result.reason === 'locked') {
		return { status: 429, message: `连续${LOCK_THRESHOLD}次登录失败，该账号已锁定15分钟，请于 ${formatClock(result.until)} 后再试。${slowNote}` };
	}
	if (result.reason === 'disabled') return { status: 400, message: `账号已停用，请联系单位管理员。${slowNote}` };
	if (result.reason === 'suspended') return { status: 400, message: `单位已停用，账号暂不能登录，请联系平台运营方或主管应急管理部门。${slowNote}` };
	const countdown = result.remaining <= 3 ? `再错${result.remaining}次，该账号将被锁定15分钟。` : '';
	return { status: 400, message: `账号或密码错误。${countdown}${slowNote}` };
}

function maskAccount(account: string): string {
	return account.length === 11 ? maskMobile(account) : maskIdNumber(account);
}

/** `account` is a normalised 手机号 (11 digits) or 身份证号 (18 chars, upper-case X). */
export async function loginWithPassword(
	db: Db,
	input: { account: string; password: string; ip: string; now: Date; userAgent?: string | null }
): Promise<LoginResult> {
	const { account, password, ip, now } = input;
	const ipSlowed = (await countIpFailures(db, ip, now)) >= IP_SLOW_THRESHOLD;
	const column = account.length === 11 ? 'mobile' : 'id_number';
	const user = await db
		.selectFrom('users')
		.select(['id', 'password_hash', 'must_change_password', 'disabled'])
		.where(column, '=', account)
		.executeTakeFirst();

	// Known and unknown identifiers take the same path, with the same queries and one argon2
	// verify (against a dummy hash when there is no account), so answers and timing match.
	const loginKey = loginTarget(account);
	const locked = lockedUntil(await recentFailures(db, account, user?.id ?? null, now), now);
	if (locked) {
		await appendAudit(db, { at: now, actorUserId: null, action: 'login.locked', target: loginKey, detail: { account: maskAccount(account), userId: user?.id ?? null }, ip });
		return { ok: false, reason: 'locked', until: locked, ipSlowed };
	}
	const passwordOk = user ? await verifyPassword(user.password_hash, password) : (await verifyDummyPassword(password), false);
	if (!user || !passwordOk) {
		const action = user ? 'login.failed' : 'login.unknown_account';
		await appendAudit(db, { at: now, actorUserId: null, action, target: loginKey, detail: { account: maskAccount(account), userId: user?.id ?? null }, ip });
		const failures = await recentFailures(db, account, user?.id ?? null, now);
		const nowLocked = lockedUntil(failures, now);
		if (nowLocked) return { ok: false, reason: 'locked', until: nowLocked, ipSlowed };
		// Only failures inside the window count towards the next lock.
		const inWindow = failures.filter((f) => now.getTime() - f.getTime() <= LOCK_WINDOW_MS).length;
		return { ok: false, reason: 'invalid', remaining: LOCK_THRESHOLD - inWindow, ipSlowed };
	}
	const target = `user:${user.id}`;
	if (user.disabled) {
		await appendAudit(db, { at: now, actorUserId: user.id, action: 'login.disabled', target, ip });
		return { ok: false, reason: 'disabled', ipSlowed };
	}
	// The first membership of an organisation that is not suspended; with only suspended ones, no login.
	const memberships = await db
		.selectFrom('memberships as m')
		.innerJoin('organisations as o', 'o.id', 'm.org_id')
		.select(['m.id', 'o.status'])
		.where('m.user_id', '=', user.id)
		.orderBy('m.id')
		.execute();
	const membership = memberships.find((m) => m.status === 'active');
	if (memberships.length > 0 && !membership) {
		await appendAudit(db, { at: now, actorUserId: user.id, action: 'login.org_suspended', target, ip });
		return { ok: false, reason: 'suspended', ipSlowed };
	}
	const { token, session } = await db.transaction().execute(async (tx) => {
		const created = await createSession(tx, user.id, membership?.id ?? null, now, { userAgent: input.userAgent, ip });
		await tx.updateTable('users').set({ last_login_at: now }).where('id', '=', user.id).execute();
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
