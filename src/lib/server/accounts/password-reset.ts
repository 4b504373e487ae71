import { createHash, randomUUID } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { appendAudit } from '../audit/audit.ts';
import { hashPassword } from '../auth/password.ts';
import { enqueueOutbound } from '../notifications/notify.ts';
import { maskIdNumber, maskMobile } from '../../domain/identifiers.ts';
import { activationBlockedUntil, ACTIVATION_WINDOW_MS } from '../people/activation.ts';
import { recentAuditTimes } from '../people/activation.repository.ts';
import {
	countSelfResetsSince,
	deleteUserSessions,
	findLoginUser,
	insertReset,
	listRecentResetsForUpdate,
	lockUser,
	markResetUsed,
	revokeLiveResets,
	setPassword
} from './accounts.repository.ts';
import { generateSelfResetCode, hashResetCode, RESET_CODE_TTL_MS, resetCodeMatches } from './reset-code.ts';

// 找回密码. Self-service: a 手机号 → a 6-digit code queued as an SMS; the answer is the same
// whether or not the account exists. Then /reset: account + code + new password. Limits come
// from the database (codes issued, audit entries), never from process memory, so they hold
// across instances and restarts.

/** Self-service codes per account per hour. */
export const SELF_RESET_PER_HOUR = 3;
/** Failed /reset attempts per account, and per IP address, within 15 minutes. */
export const RESET_ACCOUNT_LIMIT = 5;
export const RESET_IP_LIMIT = 20;
export const RESET_FAILED = 'password.reset_failed';

function accountTarget(account: string): string {
	return `reset:${createHash('sha256').update(`anxun-reset\n${account}`).digest('hex').slice(0, 32)}`;
}

function maskAccount(account: string): string {
	return account.length === 11 ? maskMobile(account) : maskIdNumber(account);
}

export function selfResetText(code: string): string {
	return `【安训】您正在找回密码，验证码 ${code}，24小时内有效，仅可使用一次。如非本人操作，请忽略并联系单位管理员。`;
}

/** Queues a code when the 手机号 belongs to an enabled account under its hourly limit; answers nothing either way. */
export async function requestSelfReset(db: Db, input: { mobile: string; ip: string; now: Date }): Promise<void> {
	const { mobile, ip, now } = input;
	const user = await findLoginUser(db, mobile);
	const target = user ? `user:${user.id}` : accountTarget(mobile);
	let outcome: 'queued' | 'limited' | 'none' = 'none';
	if (user && !user.disabled && user.mobile) {
		const userId = user.id;
		const address = user.mobile;
		outcome = await withTransaction(db, async (tx) => {
			// the row lock serialises two requests for one account, so the hourly count holds
			await lockUser(tx, userId);
			if ((await countSelfResetsSince(tx, userId, new Date(now.getTime() - 3600_000))) >= SELF_RESET_PER_HOUR) return 'limited' as const;
			const code = generateSelfResetCode();
			await revokeLiveResets(tx, userId, now);
			await insertReset(tx, { userId, codeHash: hashResetCode(userId, code), issuedBy: null, channel: 'self', expiresAt: new Date(now.getTime() + RESET_CODE_TTL_MS), now });
			await enqueueOutbound(tx, { userId, channel: 'sms', address, body: selfResetText(code), kind: 'password_reset', idempotencyKey: `password-reset:${userId}:${randomUUID()}`, now });
			return 'queued' as const;
		});
	}
	await appendAudit(db, { at: now, actorUserId: null, action: 'password.forgot', target, ip, detail: { mobile: maskMobile(mobile), outcome } });
}

export type ResetResult =
	| { ok: true; userId: number }
	| { ok: false; reason: 'mismatch' | 'used' | 'expired' | 'revoked' | 'disabled' }
	| { ok: false; reason: 'throttled'; until: Date };

export function resetFailureMessage(result: Exclude<ResetResult, { ok: true }>): string {
	switch (result.reason) {
		case 'mismatch':
			return '账号或重置码不正确';
		case 'used':
			return '该重置码已经使用过，每个重置码只能使用一次。请重新获取重置码。';
		case 'expired':
			return '该重置码已过期（有效期24小时）。请重新获取重置码。';
		case 'revoked':
			return '该重置码已失效：之后又发放了新的重置码，请使用最新的一个。';
		case 'disabled':
			return '账号已停用，请联系单位管理员。';
		case 'throttled': {
			const time = result.until.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' });
			return `尝试次数过多，请于 ${time} 后再试。`;
		}
	}
}

/** `account` is a normalised 手机号 or 身份证号. Sets the new password and ends every session of the account. */
export async function resetPassword(db: Db, input: { account: string; code: string; password: string; ip: string; now: Date }): Promise<ResetResult> {
	const { account, code, password, ip, now } = input;
	const target = accountTarget(account);
	const since = new Date(now.getTime() - ACTIVATION_WINDOW_MS);
	const byAccount = activationBlockedUntil(await recentAuditTimes(db, { action: RESET_FAILED, target, since, limit: RESET_ACCOUNT_LIMIT }), RESET_ACCOUNT_LIMIT, now);
	const byIp = activationBlockedUntil(await recentAuditTimes(db, { action: RESET_FAILED, ip, since, limit: RESET_IP_LIMIT }), RESET_IP_LIMIT, now);
	const until = byAccount && byIp ? (byAccount > byIp ? byAccount : byIp) : (byAccount ?? byIp);
	if (until) return { ok: false, reason: 'throttled', until };

	// hashed first, so a known and an unknown account take the same time
	const passwordHash = await hashPassword(password);
	const result = await withTransaction(db, async (tx): Promise<ResetResult> => {
		const user = await findLoginUser(tx, account);
		if (!user) return { ok: false, reason: 'mismatch' };
		const codes = await listRecentResetsForUpdate(tx, user.id, new Date(now.getTime() - 30 * RESET_CODE_TTL_MS));
		const match = codes.find((c) => resetCodeMatches(c.code_hash, user.id, code));
		if (!match) return { ok: false, reason: 'mismatch' };
		if (match.used_at) return { ok: false, reason: 'used' };
		if (match.revoked_at) return { ok: false, reason: 'revoked' };
		if (match.expires_at.getTime() <= now.getTime()) return { ok: false, reason: 'expired' };
		if (user.disabled) return { ok: false, reason: 'disabled' };
		await markResetUsed(tx, match.id, now);
		await setPassword(tx, user.id, passwordHash);
		const sessionsEnded = await deleteUserSessions(tx, user.id);
		// 'password.reset' on user:<id> also clears the login lockout (lockout.ts)
		await appendAudit(tx, { at: now, actorUserId: user.id, action: 'password.reset', target: `user:${user.id}`, ip, detail: { resetId: match.id, sessionsEnded } });
		return { ok: true, userId: user.id };
	});
	if (!result.ok) await appendAudit(db, { at: now, actorUserId: null, action: RESET_FAILED, target, ip, detail: { account: maskAccount(account), reason: result.reason } });
	return result;
}
