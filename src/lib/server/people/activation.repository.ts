import type { Db } from '../db/index.ts';
import { timestamp } from './people.repository.ts';

// SQL behind account activation: the person to activate, the account it creates, and the
// failed attempts (read back from the audit log, like login lockout).

export type ActivatablePerson = { id: number; org_id: number; name: string; id_number: string; mobile: string | null };

/** An active person of an enterprise with this ID number, locked so two activations cannot race. */
export async function findEnterprisePersonForUpdate(db: Db, idNumber: string): Promise<ActivatablePerson | undefined> {
	return db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.select(['p.id', 'p.org_id', 'p.name', 'p.id_number', 'p.mobile'])
		.where('p.id_number', '=', idNumber)
		.where('p.active', '=', true)
		.where('o.kind', '=', 'enterprise')
		.forUpdate('p')
		.executeTakeFirst();
}

/** Whether any account belongs to this person or already signs in with this ID number or mobile. */
export async function accountExists(db: Db, personId: number, idNumber: string, mobile: string): Promise<boolean> {
	const row = await db
		.selectFrom('users')
		.select('id')
		.where((eb) => eb.or([eb('person_id', '=', personId), eb('id_number', '=', idNumber), eb('mobile', '=', mobile)]))
		.limit(1)
		.executeTakeFirst();
	return row !== undefined;
}

export async function insertLearnerAccount(
	db: Db,
	a: { personId: number; orgId: number; displayName: string; idNumber: string; mobile: string; passwordHash: string; now: Date }
): Promise<{ userId: number; membershipId: number }> {
	const user = await db
		.insertInto('users')
		.values({
			person_id: a.personId,
			display_name: a.displayName,
			id_number: a.idNumber,
			mobile: a.mobile,
			password_hash: a.passwordHash,
			must_change_password: false,
			created_at: timestamp(a.now)
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	const membership = await db.insertInto('memberships').values({ user_id: user.id, role: 'learner', org_id: a.orgId }).returning('id').executeTakeFirstOrThrow();
	return { userId: user.id, membershipId: membership.id };
}

/** Times of the newest `limit` audit entries with this action since `since`, newest first, for a target or an IP. */
export async function recentAuditTimes(
	db: Db,
	by: { action: string; since: Date; limit: number } & ({ target: string } | { ip: string })
): Promise<Date[]> {
	let q = db.selectFrom('audit_log').select('at').where('action', '=', by.action).where('at', '>', by.since);
	q = 'target' in by ? q.where('target', '=', by.target) : q.where('ip', '=', by.ip);
	const rows = await q.orderBy('at', 'desc').limit(by.limit).execute();
	return rows.map((r) => r.at);
}

export type CodeCandidate = { id: number; name: string; id_number: string; mobile: string | null };

/** Active persons of this organisation, among `personIds` (or all), who have no account yet. */
export async function listPersonsWithoutAccount(db: Db, orgId: number, personIds: number[] | null, limit: number): Promise<CodeCandidate[]> {
	let q = db
		.selectFrom('persons as p')
		.select(['p.id', 'p.name', 'p.id_number', 'p.mobile'])
		.where('p.org_id', '=', orgId)
		.where('p.active', '=', true)
		.where((eb) => eb.not(eb.exists(eb.selectFrom('users as u').select('u.id').whereRef('u.person_id', '=', 'p.id'))))
		.orderBy('p.id')
		.limit(limit);
	if (personIds) q = q.where('p.id', 'in', personIds.length ? personIds : [0]);
	return q.execute();
}

export async function revokeLiveActivationCodes(db: Db, personIds: number[], now: Date): Promise<void> {
	if (!personIds.length) return;
	await db.updateTable('activation_codes').set({ revoked_at: now }).where('person_id', 'in', personIds).where('used_at', 'is', null).where('revoked_at', 'is', null).execute();
}

export async function insertActivationCodes(db: Db, rows: { personId: number; codeHash: string; channel: string; issuedBy: number | null; issuedAt: Date; expiresAt: Date }[]): Promise<void> {
	if (!rows.length) return;
	await db
		.insertInto('activation_codes')
		.values(rows.map((r) => ({ person_id: r.personId, code_hash: r.codeHash, channel: r.channel, issued_by: r.issuedBy, issued_at: r.issuedAt, expires_at: r.expiresAt })))
		.execute();
}

/** The person's one live code (not used, not revoked, not expired), if any. */
export async function findLiveActivationCode(db: Db, personId: number, now: Date): Promise<{ id: number; code_hash: string } | undefined> {
	return db
		.selectFrom('activation_codes')
		.select(['id', 'code_hash'])
		.where('person_id', '=', personId)
		.where('used_at', 'is', null)
		.where('revoked_at', 'is', null)
		.where('expires_at', '>', now)
		.forUpdate()
		.executeTakeFirst();
}

export async function markActivationCodeUsed(db: Db, id: number, now: Date): Promise<void> {
	await db.updateTable('activation_codes').set({ used_at: now }).where('id', '=', id).execute();
}
