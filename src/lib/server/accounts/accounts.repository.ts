import type { Db } from '../db/index.ts';
import type { Tx } from '../db/transaction.ts';
import { timestamp } from '../people/people.repository.ts';
import type { Role } from '../../domain/labels.ts';

// All SQL behind account administration, password resets and a user's own sessions.

export type OrgRow = { id: number; kind: string; name: string };

export async function findOrganisation(db: Db, orgId: number): Promise<OrgRow | undefined> {
	return db.selectFrom('organisations').select(['id', 'kind', 'name']).where('id', '=', orgId).executeTakeFirst();
}

export async function listOrganisations(db: Db): Promise<OrgRow[]> {
	return db.selectFrom('organisations').select(['id', 'kind', 'name']).orderBy('kind').orderBy('name').execute();
}

export type AccountListRow = {
	id: number;
	display_name: string;
	mobile: string | null;
	id_number: string | null;
	disabled: boolean;
	last_login_at: Date | null;
	roles: string[];
	sessions: number;
};

/** Accounts holding at least one role in the organisation, with their roles there. */
export async function listAccountsOfOrg(db: Db, orgId: number, now: Date): Promise<AccountListRow[]> {
	const rows = await db
		.selectFrom('users as u')
		.innerJoin('memberships as m', 'm.user_id', 'u.id')
		.select(['u.id', 'u.display_name', 'u.mobile', 'u.id_number', 'u.disabled', 'u.last_login_at', 'm.role'])
		.select((eb) =>
			eb
				.selectFrom('sessions as s')
				.select((e) => e.fn.countAll<number>().as('n'))
				.whereRef('s.user_id', '=', 'u.id')
				.where('s.expires_at', '>', now)
				.as('sessions')
		)
		.where('m.org_id', '=', orgId)
		.orderBy('u.id')
		.orderBy('m.id')
		.execute();
	const byId = new Map<number, AccountListRow>();
	for (const r of rows) {
		const a = byId.get(r.id) ?? { id: r.id, display_name: r.display_name, mobile: r.mobile, id_number: r.id_number, disabled: r.disabled, last_login_at: r.last_login_at, roles: [], sessions: Number(r.sessions ?? 0) };
		a.roles.push(r.role);
		byId.set(r.id, a);
	}
	return [...byId.values()];
}

export type AccountRow = { id: number; display_name: string; person_id: number | null; disabled: boolean; memberships: { id: number; role: Role; org_id: number }[] };

/** The account with every one of its memberships (all organisations), the user row locked. */
export async function findAccountForUpdate(db: Db, userId: number): Promise<AccountRow | undefined> {
	const user = await db.selectFrom('users').select(['id', 'display_name', 'person_id', 'disabled']).where('id', '=', userId).forUpdate().executeTakeFirst();
	if (!user) return undefined;
	const memberships = await db.selectFrom('memberships').select(['id', 'role', 'org_id']).where('user_id', '=', userId).orderBy('id').execute();
	return { ...user, memberships };
}

export async function findUserIdByLogin(db: Db, mobile: string, idNumber: string | null): Promise<number | undefined> {
	const row = await db
		.selectFrom('users')
		.select('id')
		.where((eb) => (idNumber ? eb.or([eb('mobile', '=', mobile), eb('id_number', '=', idNumber)]) : eb('mobile', '=', mobile)))
		.limit(1)
		.executeTakeFirst();
	return row?.id;
}

/** An active person of the organisation with this 手机号 and no account yet. */
export async function findPersonWithoutAccount(db: Db, orgId: number, mobile: string) {
	return db
		.selectFrom('persons as p')
		.select(['p.id', 'p.id_number', 'p.name'])
		.where('p.org_id', '=', orgId)
		.where('p.mobile', '=', mobile)
		.where('p.active', '=', true)
		.where((eb) => eb.not(eb.exists(eb.selectFrom('users as u').select('u.id').whereRef('u.person_id', '=', 'p.id'))))
		.limit(1)
		.executeTakeFirst();
}

export async function findPersonOrg(db: Db, personId: number): Promise<number | undefined> {
	return (await db.selectFrom('persons').select('org_id').where('id', '=', personId).executeTakeFirst())?.org_id;
}

export async function insertAccount(
	db: Db,
	a: { displayName: string; mobile: string; idNumber: string | null; personId: number | null; passwordHash: string; now: Date }
): Promise<number> {
	const row = await db
		.insertInto('users')
		.values({
			display_name: a.displayName,
			mobile: a.mobile,
			id_number: a.idNumber,
			person_id: a.personId,
			password_hash: a.passwordHash,
			must_change_password: true,
			created_at: timestamp(a.now)
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function insertMembership(db: Db, userId: number, role: Role, orgId: number): Promise<number> {
	const row = await db.insertInto('memberships').values({ user_id: userId, role, org_id: orgId }).returning('id').executeTakeFirstOrThrow();
	return row.id;
}

/** Sessions acting as the membership move to another of the account's memberships (or none), then it goes. */
export async function deleteMembership(db: Db, membershipId: number, fallbackMembershipId: number | null): Promise<void> {
	await db.updateTable('sessions').set({ membership_id: fallbackMembershipId }).where('membership_id', '=', membershipId).execute();
	await db.deleteFrom('memberships').where('id', '=', membershipId).execute();
}

export async function setAccountDisabled(db: Db, userId: number, disabled: boolean, now: Date): Promise<void> {
	await db.updateTable('users').set({ disabled, disabled_at: disabled ? now : null }).where('id', '=', userId).execute();
}

export async function deleteUserSessions(db: Db, userId: number): Promise<number> {
	const r = await db.deleteFrom('sessions').where('user_id', '=', userId).executeTakeFirst();
	return Number(r.numDeletedRows);
}

// ── password resets ─────────────────────────────────────────────────────────

export async function revokeLiveResets(db: Db, userId: number, now: Date): Promise<void> {
	await db.updateTable('password_resets').set({ revoked_at: now }).where('user_id', '=', userId).where('used_at', 'is', null).where('revoked_at', 'is', null).execute();
}

export async function insertReset(db: Db, r: { userId: number; codeHash: string; issuedBy: number | null; channel: 'admin' | 'self'; expiresAt: Date; now: Date }): Promise<void> {
	await db
		.insertInto('password_resets')
		.values({ user_id: r.userId, code_hash: r.codeHash, issued_by: r.issuedBy, channel: r.channel, expires_at: r.expiresAt, created_at: r.now })
		.execute();
}

export async function countSelfResetsSince(db: Db, userId: number, since: Date): Promise<number> {
	const row = await db
		.selectFrom('password_resets')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('user_id', '=', userId)
		.where('channel', '=', 'self')
		.where('created_at', '>', since)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

export type ResetRow = { id: number; code_hash: string; expires_at: Date; used_at: Date | null; revoked_at: Date | null };

/** The account's codes of the last days, newest first, locked so one code cannot be used twice at once. */
export async function listRecentResetsForUpdate(db: Db, userId: number, since: Date): Promise<ResetRow[]> {
	return db
		.selectFrom('password_resets')
		.select(['id', 'code_hash', 'expires_at', 'used_at', 'revoked_at'])
		.where('user_id', '=', userId)
		.where('created_at', '>', since)
		.orderBy('id', 'desc')
		.limit(20)
		.forUpdate()
		.execute();
}

export async function markResetUsed(db: Db, id: number, now: Date): Promise<void> {
	await db.updateTable('password_resets').set({ used_at: now }).where('id', '=', id).execute();
}

export async function findLoginUser(db: Db, account: string) {
	const column = account.length === 11 ? 'mobile' : 'id_number';
	return db.selectFrom('users').select(['id', 'mobile', 'disabled']).where(column, '=', account).executeTakeFirst();
}

export async function setPassword(db: Db, userId: number, passwordHash: string): Promise<void> {
	await db.updateTable('users').set({ password_hash: passwordHash, must_change_password: false }).where('id', '=', userId).execute();
}

// ── own sessions ────────────────────────────────────────────────────────────

export type SessionRow = { id: string; created_at: Date; last_seen_at: Date | null; user_agent: string | null; ip: string | null };

export async function listUserSessions(db: Db, userId: number, now: Date): Promise<SessionRow[]> {
	return db
		.selectFrom('sessions')
		.select(['id', 'created_at', 'last_seen_at', 'user_agent', 'ip'])
		.where('user_id', '=', userId)
		.where('expires_at', '>', now)
		.orderBy('created_at', 'desc')
		.execute();
}

export async function deleteUserSession(db: Db, userId: number, sessionId: string): Promise<void> {
	await db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '=', sessionId).execute();
}

/** Locks the account's row until the transaction ends (serialises requests for one account). */
export async function lockUser(tx: Tx, userId: number): Promise<void> {
	await tx.selectFrom('users').select('id').where('id', '=', userId).forUpdate().execute();
}
