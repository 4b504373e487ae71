// SQL for proposing 特种作业操作证 from applications, the 换证 expiry list and the return-to-post list.
import { sql, type Insertable } from 'kysely';
import type { Db } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import type { Tx } from '../db/transaction.ts';

export async function lockApplicationOfInstitution(db: Db, applicationId: number, institutionOrgId: number) {
	return db
		.selectFrom('so_applications')
		.selectAll()
		.where('id', '=', applicationId)
		.where('institution_org_id', '=', institutionOrgId)
		.forUpdate()
		.executeTakeFirst();
}

/** The practical attempt that decides a proposal: a passed final one if any, else the latest scored or final one. */
export async function findFinalPractical(db: Db, applicationId: number) {
	return db
		.selectFrom('practical_attempts')
		.select(['id', 'status', 'passed', 'finalised_at', 'score'])
		.where('application_id', '=', applicationId)
		.where('status', 'in', ['scored', 'final'])
		.orderBy(sql`(status = 'final' and passed is true)`, 'desc')
		.orderBy('attempt_no', 'desc')
		.limit(1)
		.executeTakeFirst();
}

export async function findLiveCertificateOfApplication(db: Db, applicationId: number) {
	return db.selectFrom('certificates').select(['id', 'status', 'number']).where('application_id', '=', applicationId).where('status', 'in', ['proposed', 'issued']).executeTakeFirst();
}

export async function getCertificateForRenewal(db: Db, id: number) {
	return db.selectFrom('certificates').select(['id', 'status', 'type', 'valid_until', 'person_id', 'special_operation_code', 'number']).where('id', '=', id).executeTakeFirst();
}

export async function getPersonOrg(db: Db, personId: number) {
	return db.selectFrom('persons').select(['id', 'org_id', 'name']).where('id', '=', personId).executeTakeFirstOrThrow();
}

export async function getTheoryAttemptSession(db: Db, attemptId: number) {
	return db.selectFrom('exam_attempts').select(['session_id']).where('id', '=', attemptId).executeTakeFirstOrThrow();
}

/** Accepted applications of the institution with their theory / practical state, for the proposal screen. */
export async function listProposableApplications(db: Db, institutionOrgId: number) {
	return db
		.selectFrom('so_applications as a')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.innerJoin('special_operations as so', 'so.code', 'a.special_operation_code')
		.leftJoin('organisations as o', 'o.id', 'p.org_id')
		.select((eb) => [
			'a.id',
			'a.kind',
			'a.status',
			'a.photo_file_id',
			'p.name as person_name',
			'p.id_number',
			'o.name as org_name',
			'so.item as operation_name',
			eb
				.selectFrom('certificates as c')
				.select(sql<string>`c.status || ':' || coalesce(c.number, '')`.as('s'))
				.whereRef('c.application_id', '=', 'a.id')
				.where('c.status', 'in', ['proposed', 'issued', 'rejected'])
				.orderBy('c.id', 'desc')
				.limit(1)
				.as('certificate')
		])
		.where('a.institution_org_id', '=', institutionOrgId)
		.where('a.status', '=', 'accepted')
		.where('a.kind', 'in', ['initial', 'renewal'])
		.orderBy('a.id', 'desc')
		.limit(500)
		.execute();
}

/** Issued 特种作业操作证 of the enterprise's (or institution's) people expiring within `days` or already expired (up to a year). */
export async function listExpiringSpecialWork(db: Db, by: { holderOrgId?: number; institutionOrgId?: number }, until: string, since: string) {
	let q = db
		.selectFrom('certificates as c')
		.innerJoin('persons as p', 'p.id', 'c.person_id')
		.innerJoin('organisations as o', 'o.id', 'c.holder_org_id')
		.leftJoin('special_operations as so', 'so.code', 'c.special_operation_code')
		.select((eb) => [
			'c.id',
			'c.number',
			'c.valid_until',
			'c.next_review_due',
			'c.person_id',
			'c.special_operation_code',
			'c.institution_org_id',
			'p.name as person_name',
			'o.name as org_name',
			'so.item as operation_name',
			eb
				.selectFrom('so_applications as r')
				.select('r.status')
				.whereRef('r.previous_certificate_id', '=', 'c.id')
				.where('r.kind', '=', 'renewal')
				.orderBy('r.id', 'desc')
				.limit(1)
				.as('renewal_status')
		])
		.where('c.type', '=', 'special_work')
		.where('c.status', '=', 'issued')
		.where('c.valid_until', '<=', until)
		.where('c.valid_until', '>=', since)
		.where((eb) => eb.not(eb.exists(eb.selectFrom('certificates as n').select('n.id').whereRef('n.replaces_certificate_id', '=', 'c.id').where('n.status', '=', 'issued'))));
	if (by.holderOrgId !== undefined) q = q.where('c.holder_org_id', '=', by.holderOrgId);
	if (by.institutionOrgId !== undefined) q = q.where('c.institution_org_id', '=', by.institutionOrgId);
	return q.orderBy('c.valid_until').limit(1000).execute();
}

export async function findLiveRenewal(db: Db, certificateId: number) {
	return db.selectFrom('so_applications').select(['id', 'status']).where('previous_certificate_id', '=', certificateId).where('kind', '=', 'renewal').where('status', 'in', ['submitted', 'returned', 'accepted']).executeTakeFirst();
}

export async function insertRenewalApplication(db: Db, row: { personId: number; code: string; institutionOrgId: number; enterpriseOrgId: number; previousCertificateId: number; photoFileId: number | null; photoSha256: string | null; userId: number | null; now: Date }) {
	return db
		.insertInto('so_applications')
		.values({
			person_id: row.personId,
			special_operation_code: row.code,
			institution_org_id: row.institutionOrgId,
			enterprise_org_id: row.enterpriseOrgId,
			channel: 'enterprise',
			kind: 'renewal',
			status: 'submitted',
			previous_certificate_id: row.previousCertificateId,
			photo_file_id: row.photoFileId,
			photo_sha256: row.photoSha256,
			submitted_by: row.userId,
			submitted_at: row.now,
			updated_at: row.now
		})
		.returning('id')
		.executeTakeFirstOrThrow();
}

/** The photo used by the person's latest application (reused for a renewal). */
export async function findLatestPhoto(db: Db, personId: number, code: string) {
	return db
		.selectFrom('so_applications')
		.select(['photo_file_id', 'photo_sha256'])
		.where('person_id', '=', personId)
		.where('special_operation_code', '=', code)
		.where('photo_file_id', 'is not', null)
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
}

// --- return to post ---

export async function findPersonOfOrg(db: Db, personId: number, orgId: number) {
	return db.selectFrom('persons').select(['id', 'name', 'role_category', 'special_operation_code']).where('id', '=', personId).where('org_id', '=', orgId).executeTakeFirst();
}

export async function insertAbsence(db: Db, row: { personId: number; leftOn: string; returnedOn: string | null; userId: number | null; now: Date }) {
	return db
		.insertInto('person_post_absences')
		.values({ person_id: row.personId, left_on: row.leftOn, returned_on: row.returnedOn, recorded_by: row.userId, recorded_at: row.now })
		.returning('id')
		.executeTakeFirstOrThrow();
}

export async function findOpenAbsence(db: Db, personId: number) {
	return db.selectFrom('person_post_absences').select(['id', 'left_on']).where('person_id', '=', personId).where('returned_on', 'is', null).forUpdate().executeTakeFirst();
}

export async function setAbsenceReturn(db: Db, id: number, returnedOn: string) {
	await db.updateTable('person_post_absences').set({ returned_on: returnedOn }).where('id', '=', id).execute();
}

/** Special workers (of one enterprise, or of a region) with absences, and their passed final practical dates. */
export async function listAbsencesWithPracticals(db: Db, by: { orgId?: number; regionPath?: string }) {
	let q = db
		.selectFrom('person_post_absences as a')
		.innerJoin('persons as p', 'p.id', 'a.person_id')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.innerJoin('regions as r', 'r.code', 'o.region_code')
		.leftJoin('special_operations as so', 'so.code', 'p.special_operation_code')
		.select(['a.id', 'a.person_id', 'a.left_on', 'a.returned_on', 'p.name as person_name', 'o.name as org_name', 'o.id as org_id', 'so.item as operation_name'])
		.where('p.active', '=', true);
	if (by.orgId !== undefined) q = q.where('p.org_id', '=', by.orgId);
	if (by.regionPath !== undefined) q = q.where('r.path', 'like', `${by.regionPath}%`);
	const absences = await q.orderBy('a.left_on', 'desc').limit(5000).execute();
	const personIds = [...new Set(absences.map((a) => a.person_id))];
	const practicals = personIds.length
		? await db
				.selectFrom('practical_attempts')
				.select(['person_id', 'finalised_at'])
				.where('person_id', 'in', personIds)
				.where('status', '=', 'final')
				.where('passed', '=', true)
				.execute()
		: [];
	return { absences, practicals };
}

/** Institutions holding a 机构资质 (institution_scopes) for the item, valid on `today`. */
export async function listLicensedInstitutions(db: Db, codes: string[], today: string) {
	if (codes.length === 0) return [];
	return db
		.selectFrom('institution_scopes as s')
		.innerJoin('organisations as o', 'o.id', 's.institution_org_id')
		.select(['o.id', 'o.name', 's.special_operation_code'])
		.where('s.scope', '=', 'special_operation')
		.where('s.special_operation_code', 'in', codes)
		.where('s.valid_from', '<=', today)
		.where((eb) => eb.or([eb('s.valid_until', 'is', null), eb('s.valid_until', '>=', today)]))
		.orderBy('o.name')
		.execute();
}

/** The enterprise's active special workers (for the leave / return form). */
export async function listSpecialWorkers(db: Db, orgId: number) {
	return db
		.selectFrom('persons as p')
		.leftJoin('person_post_absences as a', (j) => j.onRef('a.person_id', '=', 'p.id').on('a.returned_on', 'is', null))
		.select(['p.id', 'p.name', 'a.left_on as open_left_on'])
		.where('p.org_id', '=', orgId)
		.where('p.role_category', '=', 'special_worker')
		.where('p.active', '=', true)
		.orderBy('p.name')
		.limit(2000)
		.execute();
}

/** The proposed 特种作业操作证 row (the issuing flow signs and numbers it later). */
export async function insertProposedCertificate(db: Db, row: Insertable<DB['certificates']>): Promise<{ id: number }> {
	return db.insertInto('certificates').values(row).returning('id').executeTakeFirstOrThrow();
}

/** Serialises 换证 applications for one certificate until the transaction ends. */
export async function lockCertificateRenewal(tx: Tx, certificateId: number): Promise<void> {
	await sql`select pg_advisory_xact_lock(7320422, ${certificateId})`.execute(tx);
}
