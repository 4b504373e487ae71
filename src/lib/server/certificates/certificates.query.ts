// Read-only lists for the certificate screens; each is filtered by the caller's scope.
import type { Db } from '../db/index.ts';
import { addDays } from './rules.ts';
import { certificatesQuery } from './certificates.repository.ts';
import { signedFromRow } from './issue-service.ts';
import type { CertificatePrint } from './certificate-pdf.ts';
import { getFile, readFileRange } from '../files/files.repository.ts';
import { hashPhoto } from './signature.ts';

const LIMIT = 500;

/** Pending proposals with what the regulator decides on: the person's category now, the exam score and its integrity flags. */
export async function listRegulatorProposals(db: Db, regionPath: string) {
	return certificatesQuery(db)
		.leftJoin('exam_attempts as a', 'a.id', 'c.attempt_id')
		.leftJoin('exam_papers as pp', 'pp.id', 'a.paper_id')
		.select(['p.role_category', 'p.special_operation_code as person_operation_code', 'a.score', 'pp.total_points', 'a.flags', 'a.decision'])
		.where('hr.path', 'like', `${regionPath}%`)
		.where('c.status', '=', 'proposed')
		.orderBy('c.proposed_at')
		.orderBy('c.id')
		.limit(LIMIT)
		.execute();
}

export async function listRegulatorCertificates(db: Db, regionPath: string, q: { status?: string | null; search?: string | null }) {
	let query = certificatesQuery(db).where('hr.path', 'like', `${regionPath}%`).where('c.status', 'in', ['issued', 'revoked']).where('c.type', '<>', 'training');
	if (q.status === 'revoked') query = query.where('c.status', '=', 'revoked');
	if (q.status === 'issued') query = query.where('c.status', '=', 'issued');
	if (q.search) query = query.where((eb) => eb.or([eb('c.number', '=', q.search!.toUpperCase()), eb('p.name', '=', q.search!)]));
	return query.orderBy('c.id', 'desc').limit(LIMIT).execute();
}

export async function listSessionCertificates(db: Db, institutionOrgId: number, sessionId: number) {
	return certificatesQuery(db).where('c.institution_org_id', '=', institutionOrgId).where('c.session_id', '=', sessionId).orderBy('c.id').execute();
}

export async function listEnterpriseCertificates(db: Db, orgId: number) {
	return certificatesQuery(db).where('c.holder_org_id', '=', orgId).where('c.status', 'in', ['issued', 'revoked']).orderBy('c.valid_until').limit(LIMIT).execute();
}

/** Issued certificates of the enterprise's people that expire between today and today + days. */
export async function listExpiring(db: Db, orgId: number, today: string, days = 90) {
	return certificatesQuery(db)
		.where('c.holder_org_id', '=', orgId)
		.where('c.status', '=', 'issued')
		.where('c.valid_until', '>=', today)
		.where('c.valid_until', '<=', addDays(today, days))
		.orderBy('c.valid_until')
		.execute();
}

export async function listPersonCertificates(db: Db, personId: number) {
	return certificatesQuery(db).where('c.person_id', '=', personId).where('c.status', 'in', ['issued', 'revoked']).orderBy('c.issued_on', 'desc').execute();
}

/** Printable certificates among `ids` (issued or revoked), with the extra paper fields. */
/** The holder's own printable (issued or revoked) certificate; undefined for anything else. */
export async function findOwnPrintableCertificate(db: Db, personId: number, certificateId: number): Promise<number | undefined> {
	const row = await db.selectFrom('certificates').select('id').where('id', '=', certificateId).where('person_id', '=', personId).where('status', 'in', ['issued', 'revoked']).executeTakeFirst();
	return row?.id;
}

export async function loadPrints(db: Db, ids: number[]): Promise<CertificatePrint[]> {
	if (ids.length === 0) return [];
	const rows = await db
		.selectFrom('certificates as c')
		.innerJoin('organisations as inst', 'inst.id', 'c.institution_org_id')
		.leftJoin('so_applications as app', 'app.id', 'c.application_id')
		.select(['c.id', 'c.status', 'c.next_review_due', 'c.payload', 'c.signature', 'c.key_id', 'c.sm2_signature', 'c.sm2_key_id', 'c.photo_sha256', 'app.photo_file_id', 'inst.name as institution_name'])
		.where('c.id', 'in', ids)
		.where('c.status', 'in', ['issued', 'revoked'])
		.orderBy('c.id')
		.execute();
	const prints: CertificatePrint[] = [];
	for (const r of rows) {
		const photo = r.photo_sha256 && r.photo_file_id ? await loadCertificatePhoto(db, r.photo_file_id, r.photo_sha256) : null;
		prints.push({ signed: signedFromRow(r)!, institutionName: r.institution_name, nextReviewDue: r.next_review_due, status: r.status, photo });
	}
	return prints;
}

/** The photo bytes of a certificate, only when they still hash to the signed value (else null: the frame stays empty). */
export async function loadCertificatePhoto(db: Db, fileId: number, sha256: string): Promise<Buffer | null> {
	const file = await getFile(db, fileId);
	if (!file || file.sizeBytes === 0) return null;
	const bytes = Buffer.from(await readFileRange(db, fileId, 0, file.sizeBytes - 1));
	return hashPhoto(bytes) === sha256 ? bytes : null;
}
