import type { Db } from '../db/index.ts';
import { audit, type Actor } from '../audit/actor.ts';
import { hashPassword } from '../auth/password.ts';
import { generateOneTimePassword } from '../auth/one-time-password.ts';
import { maskIdNumber, maskMobile } from '../../domain/identifiers.ts';
import { findUserByAccount, insertUserWithMembership } from '../orgs/orgs.repository.ts';
import type { Role } from '../../domain/labels.ts';

export type NewAdminAccount = { name: string; mobile: string; idNumber: string | null; role: Role; orgId: number };

export type CreatedAccount = { ok: true; userId: number; password: string } | { ok: false; errors: Record<string, string> };

/**
 * An administrator account with a one-time password that must be changed at first login.
 * Runs inside the caller's transaction; refuses an account (手机号 or 身份证号) that exists.
 */
export async function createAdminAccount(tx: Db, account: NewAdminAccount, actor: Actor, now: Date): Promise<CreatedAccount> {
	const existing = await findUserByAccount(tx, account.mobile, account.idNumber);
	if (existing) {
		return existing.mobile === account.mobile
			? { ok: false, errors: { mobile: `手机号 ${maskMobile(account.mobile)} 已有账号，不能重复创建` } }
			: { ok: false, errors: { idNumber: `身份证号 ${maskIdNumber(account.idNumber ?? '')} 已有账号，不能重复创建` } };
	}
	const password = generateOneTimePassword();
	const userId = await insertUserWithMembership(
		tx,
		{ displayName: account.name, mobile: account.mobile, idNumber: account.idNumber, passwordHash: await hashPassword(password) },
		{ role: account.role, orgId: account.orgId }
	);
	await audit(tx, actor, now, 'account.created', `user:${userId}`, { orgId: account.orgId, role: account.role, mobile: maskMobile(account.mobile), mustChangePassword: true });
	return { ok: true, userId, password };
}
