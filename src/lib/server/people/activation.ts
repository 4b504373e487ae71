import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { appendAudit } from '../audit/audit.ts';
import { hashPassword } from '../auth/password.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import { accountExists, findEnterprisePersonForUpdate, findLiveActivationCode, insertLearnerAccount, markActivationCodeUsed, recentAuditTimes } from './activation.repository.ts';
import { activationCodeMatches } from './activation-code.ts';

// 激活账号: imported staff have a person row but no sign-in account (hashing 20,000 passwords at
// import time would take minutes), so each person creates their own with 身份证号 + 手机号 + the
// one-time 激活码 the enterprise admin printed (or the SMS channel sent): a co-worker who knows
// someone's ID number and mobile cannot claim the account.
// Nothing in the answer, its timing or its status says whether an ID number is registered.
// Failed attempts are throttled like login, from the audit log ('account.activate_failed').

export const ACTIVATION_WINDOW_MS = 15 * 60 * 1000;
/** Failed attempts per ID number within the window before further attempts are refused. */
export const ACTIVATION_ID_LIMIT = 5;
/** Failed attempts per IP address within the window before further attempts are refused. */
export const ACTIVATION_IP_LIMIT = 20;

export const ACTIVATION_FAILED = 'account.activate_failed';

export type ActivationResult =
	| { ok: true; userId: number }
	/** No such active person, wrong mobile, wrong/used/expired code, or already activated — deliberately indistinguishable. */
	| { ok: false; reason: 'mismatch' }
	| { ok: false; reason: 'throttled'; until: Date };

/** The one answer to every failed attempt: it must not tell whether the ID number is registered. */
export const ACTIVATION_MISMATCH_MESSAGE = '身份证号、手机号与激活码不匹配，或激活码已失效，或账号已激活';

export function activationFailureMessage(result: Exclude<ActivationResult, { ok: true }>): string {
	if (result.reason === 'mismatch') return ACTIVATION_MISMATCH_MESSAGE;
	const time = result.until.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' });
	return `尝试次数过多，请于 ${time} 后再试。`;
}

/** Pure rule: failures within the window (newest first) → until when further attempts are refused. */
export function activationBlockedUntil(failuresNewestFirst: Date[], limit: number, now: Date): Date | null {
	if (failuresNewestFirst.length < limit) return null;
	const until = new Date(failuresNewestFirst[limit - 1]!.getTime() + ACTIVATION_WINDOW_MS);
	return until.getTime() > now.getTime() ? until : null;
}

/** Audit target for attempts on one ID number; a hash, so the log holds no ID number in full. */
export function activationTarget(idNumber: string): string {
	return `activation:${createHash('sha256').update(`anxun-activation\n${idNumber}`).digest('hex').slice(0, 32)}`;
}

function isUniqueViolation(e: unknown): boolean {
	return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}

export async function activateAccount(
	db: Db,
	input: { idNumber: string; mobile: string; code: string; password: string; ip: string; now: Date }
): Promise<ActivationResult> {
	const { idNumber, mobile, code, password, ip, now } = input;
	const target = activationTarget(idNumber);
	const since = new Date(now.getTime() - ACTIVATION_WINDOW_MS);
	const byId = activationBlockedUntil(await recentAuditTimes(db, { action: ACTIVATION_FAILED, target, since, limit: ACTIVATION_ID_LIMIT }), ACTIVATION_ID_LIMIT, now);
	const byIp = activationBlockedUntil(await recentAuditTimes(db, { action: ACTIVATION_FAILED, ip, since, limit: ACTIVATION_IP_LIMIT }), ACTIVATION_IP_LIMIT, now);
	const until = byId && byIp ? (byId > byIp ? byId : byIp) : (byId ?? byIp);
	if (until) {
		await appendAudit(db, { at: now, actorUserId: null, action: 'account.activate_throttled', target, ip, detail: { idNumber: maskIdNumber(idNumber), until: until.toISOString() } });
		return { ok: false, reason: 'throttled', until };
	}

	// Hashed before looking anything up, so a match and a mismatch take the same time.
	const passwordHash = await hashPassword(password);
	let created: { userId: number; personId: number } | null = null;
	try {
		created = await withTransaction(db, async (tx) => {
			const person = await findEnterprisePersonForUpdate(tx, idNumber);
			if (!person || person.mobile !== mobile) return null;
			if (await accountExists(tx, person.id, idNumber, mobile)) return null;
			const live = await findLiveActivationCode(tx, person.id, now);
			if (!live || !activationCodeMatches(live.code_hash, person.id, code)) return null;
			await markActivationCodeUsed(tx, live.id, now);
			const { userId } = await insertLearnerAccount(tx, {
				personId: person.id,
				orgId: person.org_id,
				displayName: person.name,
				idNumber,
				mobile,
				passwordHash,
				now
			});
			await appendAudit(tx, { at: now, actorUserId: userId, actorRole: 'learner', action: 'account.activate', target: `user:${userId}`, ip, detail: { personId: person.id, orgId: person.org_id } });
			return { userId, personId: person.id };
		});
	} catch (e) {
		// Someone else took this ID number or mobile for an account at the same moment.
		if (!isUniqueViolation(e)) throw e;
	}
	if (!created) {
		await appendAudit(db, { at: now, actorUserId: null, action: ACTIVATION_FAILED, target, ip, detail: { idNumber: maskIdNumber(idNumber) } });
		return { ok: false, reason: 'mismatch' };
	}
	return { ok: true, userId: created.userId };
}
