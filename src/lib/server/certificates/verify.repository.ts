import { sql } from 'kysely';
import type { Db } from '../db/index.ts';

// SQL of public verification (verify.ts): the lookups log (also the rate limiter's memory) and the certificate read.

/** Lookups from this IP since `since`, counted up to `limit` (the limiter needs no more). */
export async function countRecentLookups(db: Db, ip: string, since: Date, limit: number): Promise<number> {
	const r = await sql<{ n: number }>`select count(*)::int as n from (select 1 from certificate_lookups where ip = ${ip} and at > ${since} limit ${limit}) x`.execute(db);
	return r.rows[0]?.n ?? 0;
}

export async function insertLookup(db: Db, row: { at: Date; ip: string; query: string; certificate_id: number | null; outcome: string }): Promise<void> {
	await db.insertInto('certificate_lookups').values(row).execute();
}

/** An issued or revoked certificate by number, with its issuer's name and the number of its renewal. */
export async function findPublicCertificate(db: Db, number: string) {
	return db
		.selectFrom('certificates as c')
		.leftJoin('organisations as io', 'io.id', 'c.issuer_org_id')
		.leftJoin('certificates as n', (j) => j.onRef('n.replaces_certificate_id', '=', 'c.id').on('n.status', '=', 'issued'))
		.select(['c.id', 'c.type', 'c.status', 'c.issued_on', 'c.valid_until', 'c.next_review_due', 'c.revoked_at', 'c.revoke_reason', 'c.payload', 'c.signature', 'c.key_id', 'c.sm2_signature', 'c.sm2_key_id', 'io.name as issuer_name', 'n.number as replaced_by'])
		.where('c.number', '=', number)
		.where('c.status', 'in', ['issued', 'revoked'])
		.executeTakeFirst();
}

/** Lookups per outcome since `since`, and the IPs with at least 5 misses since `probingSince` (probing). */
export async function lookupCounts(db: Db, since: Date, probingSince: Date) {
	const byOutcome = await db
		.selectFrom('certificate_lookups')
		.select(['outcome', (eb) => eb.fn.countAll<number>().as('n')])
		.where('at', '>', since)
		.groupBy('outcome')
		.execute();
	const probing = await db
		.selectFrom('certificate_lookups')
		.select(['ip', (eb) => eb.fn.countAll<number>().as('misses'), (eb) => eb.fn.max('at').as('last_at')])
		.where('at', '>', probingSince)
		.where('outcome', 'in', ['not_found', 'invalid'])
		.groupBy('ip')
		.having((eb) => eb.fn.countAll(), '>=', 5)
		.orderBy('misses', 'desc')
		.limit(20)
		.execute();
	return { byOutcome, probing };
}

/** The signed photo reference of an issued or revoked certificate (特种作业: the application's photo). */
export async function findCertificatePhotoRef(db: Db, number: string) {
	return db
		.selectFrom('certificates as c')
		.innerJoin('so_applications as app', 'app.id', 'c.application_id')
		.select(['c.signature', 'c.payload', 'c.photo_sha256', 'app.photo_file_id'])
		.where('c.number', '=', number)
		.where('c.status', 'in', ['issued', 'revoked'])
		.executeTakeFirst();
}
