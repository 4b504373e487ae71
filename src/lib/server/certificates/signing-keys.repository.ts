import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Tx } from '../db/transaction.ts';

// SQL of the signing keys (keys.ts): one active Ed25519 and one SM2 key per issuer (null = the platform).

export type KeyAlg = 'Ed25519' | 'SM2';

/** Serialises key creation and rotation per issuer until the transaction ends. */
export async function lockIssuerKeys(tx: Tx, issuerOrgId: number | null): Promise<void> {
	await sql`select pg_advisory_xact_lock(7320413, ${issuerOrgId ?? 0})`.execute(tx);
}

export async function insertSigningKey(db: Db, key: { kid: string; issuerOrgId: number | null; alg: KeyAlg; publicKey: string; privateKeyEnc: string; now: Date }): Promise<void> {
	await db
		.insertInto('signing_keys')
		.values({ kid: key.kid, issuer_org_id: key.issuerOrgId, alg: key.alg, public_key: key.publicKey, private_key_enc: key.privateKeyEnc, created_at: key.now })
		.execute();
}

/** The issuer's active (neither retired nor revoked) key of this algorithm. */
export async function findActiveKey(db: Db, issuerOrgId: number | null, alg: KeyAlg) {
	let q = db.selectFrom('signing_keys').selectAll().where('alg', '=', alg).where('retired_at', 'is', null).where('revoked_at', 'is', null);
	q = issuerOrgId === null ? q.where('issuer_org_id', 'is', null) : q.where('issuer_org_id', '=', issuerOrgId);
	return q.executeTakeFirst();
}

export async function retireActiveKeys(db: Db, issuerOrgId: number | null, now: Date): Promise<void> {
	let q = db.updateTable('signing_keys').set({ retired_at: now }).where('retired_at', 'is', null).where('revoked_at', 'is', null);
	q = issuerOrgId === null ? q.where('issuer_org_id', 'is', null) : q.where('issuer_org_id', '=', issuerOrgId);
	await q.execute();
}

export async function markKeyRevoked(db: Db, kid: string, now: Date): Promise<void> {
	await db.updateTable('signing_keys').set({ revoked_at: now, retired_at: sql`coalesce(retired_at, ${now})` }).where('kid', '=', kid).execute();
}

/** Every key (only `kids` when set) with its issuer's name, oldest first. */
export async function listKeysWithIssuer(db: Db, kids?: readonly string[]) {
	let q = db
		.selectFrom('signing_keys as k')
		.leftJoin('organisations as o', 'o.id', 'k.issuer_org_id')
		.select(['k.kid', 'k.alg', 'k.issuer_org_id', 'o.name as issuer_name', 'k.public_key', 'k.created_at', 'k.retired_at', 'k.revoked_at'])
		.orderBy('k.created_at')
		.orderBy('k.kid');
	if (kids) q = q.where('k.kid', 'in', kids.length ? [...kids] : ['']);
	return q.execute();
}
