import { randomInt } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { hashPassword } from '../auth/password.ts';
import { maskMobile } from '../../domain/identifiers.ts';
import { ROLE_LABELS, type Role } from '../../domain/labels.ts';
import { ACCOUNT_ADMIN_ROLES, rolesForOrgKind } from './roles.ts';
import {
	deleteMembership,
	deleteUserSessions,
	findAccountForUpdate,
	findOrganisation,
	findPersonOrg,
	findPersonWithoutAccount,
	findUserIdByLogin,
	insertAccount,
	insertMembership,
	insertReset,
	revokeLiveResets,
	setAccountDisabled,
	type AccountRow,
	type OrgRow
} from './accounts.repository.ts';
import { generateAdminResetCode, hashResetCode, RESET_CODE_TTL_MS } from './reset-code.ts';

// 账号管理: the platform admin (any organisation) and each organisation's admin (their own) create
// accounts, disable and re-enable them, grant and revoke roles of the organisation's kind, end
// sessions and issue one-time password reset codes. Nothing is deleted but role memberships;
// every change is audited. Account-wide actions (disable, reset code) on an account that also
// holds roles in another organisation are the platform admin's: one organisation's admin must
// not lock out or take over someone's account in another.

export type Refusal = { ok: false; status: 400 | 403 | 404; field: string; message: string };
const refuse = (status: Refusal['status'], field: string, message: string): Refusal => ({ ok: false, status, field, message });

/** The organisation whose accounts the actor manages: their own; the platform admin's pick. */
export async function resolveManagedOrg(db: Db, actor: Pick<ScopedActor, 'role' | 'orgId'>, requestedOrgId: number | null): Promise<OrgRow | null> {
	if (actor.role !== 'platform_admin' && requestedOrgId !== null && requestedOrgId !== actor.orgId) return null;
	const org = await findOrganisation(db, actor.role === 'platform_admin' ? (requestedOrgId ?? actor.orgId) : actor.orgId);
	return org ?? null;
}

function roleList(kind: string): string {
	return rolesForOrgKind(kind)
		.map((r) => ROLE_LABELS[r])
		.join('、');
}

function auditAccount(db: Db, actor: ScopedActor, now: Date, action: string, userId: number, detail: Record<string, unknown>) {
	return audit(db, actor, now, action, `user:${userId}`, detail);
}

/** The account, if it holds a role in the organisation (else it does not exist for this admin). */
async function accountInOrg(tx: Db, org: OrgRow, userId: number): Promise<AccountRow | null> {
	const account = await findAccountForUpdate(tx, userId);
	if (!account || !account.memberships.some((m) => m.org_id === org.id)) return null;
	return account;
}

function accountWideRefusal(actor: ScopedActor, org: OrgRow, account: AccountRow): Refusal | null {
	if (actor.role === 'platform_admin') return null;
	if (account.memberships.some((m) => m.org_id !== org.id)) return refuse(403, 'form', '该账号在其他单位也有角色，停用或重置密码须由平台管理员办理');
	return null;
}

const NOT_FOUND = refuse(404, 'form', '本单位没有这个账号');

/** A readable one-time password: letters and digits, no 0/O/1/I/L. */
export function generateInitialPassword(): string {
	const letters = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ';
	const digits = '23456789';
	const all = letters + digits;
	let s = letters[randomInt(letters.length)]! + digits[randomInt(digits.length)]!;
	while (s.length < 10) s += all[randomInt(all.length)];
	return s;
}

function isUniqueViolation(e: unknown): boolean {
	return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}

export type CreateAccountInput = { name: string; mobile: string; role: Role };

export async function createAccount(
	db: Db,
	actor: ScopedActor,
	org: OrgRow,
	input: CreateAccountInput,
	now: Date
): Promise<{ ok: true; userId: number; initialPassword: string } | Refusal> {
	if (!rolesForOrgKind(org.kind).includes(input.role)) return refuse(400, 'role', `${org.name}只能授予：${roleList(org.kind)}`);
	const initialPassword = generateInitialPassword();
	const passwordHash = await hashPassword(initialPassword);
	try {
		return await withTransaction(db, async (tx) => {
			const person = await findPersonWithoutAccount(tx, org.id, input.mobile);
			if (await findUserIdByLogin(tx, input.mobile, person?.id_number ?? null)) {
				return refuse(400, 'mobile', '该手机号（或对应人员的身份证号）已有账号；给已有账号增加角色请用列表中的“授予角色”');
			}
			if (input.role === 'learner' && !person) return refuse(400, 'mobile', '学员账号须对应本单位人员名单中手机号相同的人员；请先在人员名单中添加此人');
			const userId = await insertAccount(tx, { displayName: input.name, mobile: input.mobile, idNumber: person?.id_number ?? null, personId: person?.id ?? null, passwordHash, now });
			await insertMembership(tx, userId, input.role, org.id);
			await auditAccount(tx, actor, now, 'account.create', userId, { orgId: org.id, role: input.role, mobile: maskMobile(input.mobile), personId: person?.id ?? null });
			return { ok: true as const, userId, initialPassword };
		});
	} catch (e) {
		if (isUniqueViolation(e)) return refuse(400, 'mobile', '该手机号已有账号');
		throw e;
	}
}

export async function grantRole(db: Db, actor: ScopedActor, org: OrgRow, userId: number, role: Role, now: Date): Promise<{ ok: true } | Refusal> {
	if (!rolesForOrgKind(org.kind).includes(role)) return refuse(403, 'role', `${org.name}只能授予：${roleList(org.kind)}`);
	return withTransaction(db, async (tx) => {
		const account = await accountInOrg(tx, org, userId);
		if (!account) return NOT_FOUND;
		if (account.memberships.some((m) => m.org_id === org.id && m.role === role)) return refuse(400, 'role', `该账号已有“${ROLE_LABELS[role]}”角色`);
		if (role === 'learner' && (account.person_id === null || (await findPersonOrg(tx, account.person_id)) !== org.id)) {
			return refuse(400, 'role', '只有本单位人员名单中的人员可以授予学员角色');
		}
		await insertMembership(tx, userId, role, org.id);
		await auditAccount(tx, actor, now, 'account.role_grant', userId, { orgId: org.id, role });
		return { ok: true as const };
	});
}

export async function revokeRole(db: Db, actor: ScopedActor, org: OrgRow, userId: number, role: Role, now: Date): Promise<{ ok: true } | Refusal> {
	return withTransaction(db, async (tx) => {
		const account = await accountInOrg(tx, org, userId);
		if (!account) return NOT_FOUND;
		const membership = account.memberships.find((m) => m.org_id === org.id && m.role === role);
		if (!membership) return refuse(400, 'role', `该账号没有“${ROLE_LABELS[role]}”角色`);
		const rest = account.memberships.filter((m) => m.id !== membership.id);
		if (userId === actor.userId && ACCOUNT_ADMIN_ROLES.includes(role) && !rest.some((m) => ACCOUNT_ADMIN_ROLES.includes(m.role))) {
			return refuse(400, 'role', '不能撤销您自己最后一个管理员角色');
		}
		if (!rest.some((m) => m.org_id === org.id)) return refuse(400, 'role', '这是该账号在本单位的最后一个角色；不再使用的账号请停用');
		await deleteMembership(tx, membership.id, rest[0]?.id ?? null);
		await auditAccount(tx, actor, now, 'account.role_revoke', userId, { orgId: org.id, role });
		return { ok: true as const };
	});
}

export async function setDisabled(db: Db, actor: ScopedActor, org: OrgRow, userId: number, disabled: boolean, now: Date): Promise<{ ok: true; changed: boolean } | Refusal> {
	if (disabled && userId === actor.userId) return refuse(400, 'form', '不能停用您自己的账号');
	return withTransaction(db, async (tx) => {
		const account = await accountInOrg(tx, org, userId);
		if (!account) return NOT_FOUND;
		const wide = accountWideRefusal(actor, org, account);
		if (wide) return wide;
		if (account.disabled === disabled) return { ok: true as const, changed: false };
		await setAccountDisabled(tx, userId, disabled, now);
		let sessionsEnded = 0;
		if (disabled) {
			sessionsEnded = await deleteUserSessions(tx, userId);
			await revokeLiveResets(tx, userId, now);
		}
		await auditAccount(tx, actor, now, disabled ? 'account.disable' : 'account.enable', userId, { orgId: org.id, sessionsEnded });
		return { ok: true as const, changed: true };
	});
}

export async function endAccountSessions(db: Db, actor: ScopedActor, org: OrgRow, userId: number, now: Date): Promise<{ ok: true; ended: number } | Refusal> {
	return withTransaction(db, async (tx) => {
		const account = await accountInOrg(tx, org, userId);
		if (!account) return NOT_FOUND;
		const ended = await deleteUserSessions(tx, userId);
		await auditAccount(tx, actor, now, 'account.sessions_end', userId, { orgId: org.id, ended });
		return { ok: true as const, ended };
	});
}

/** A one-time reset code, shown to the admin once; only its hash is kept. */
export async function issueResetCode(db: Db, actor: ScopedActor, org: OrgRow, userId: number, now: Date): Promise<{ ok: true; code: string; expiresAt: Date; name: string } | Refusal> {
	return withTransaction(db, async (tx) => {
		const account = await accountInOrg(tx, org, userId);
		if (!account) return NOT_FOUND;
		const wide = accountWideRefusal(actor, org, account);
		if (wide) return wide;
		if (account.disabled) return refuse(400, 'form', '账号已停用，请先启用再重置密码');
		const code = generateAdminResetCode();
		const expiresAt = new Date(now.getTime() + RESET_CODE_TTL_MS);
		await revokeLiveResets(tx, userId, now);
		await insertReset(tx, { userId, codeHash: hashResetCode(userId, code), issuedBy: actor.userId, channel: 'admin', expiresAt, now });
		await auditAccount(tx, actor, now, 'password.reset_issued', userId, { orgId: org.id, channel: 'admin', expiresAt: expiresAt.toISOString() });
		return { ok: true as const, code, expiresAt, name: account.display_name };
	});
}
