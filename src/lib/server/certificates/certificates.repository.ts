// All SQL about certificates. Exam tables are read only (the exam activity owns them).
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Tx } from '../db/transaction.ts';
import { certificateKind } from '../../schemas/certificate-types.ts';
import type { RoleCategory } from '../../domain/labels.ts';

/** A certificates row with its type narrowed to a CertificateKind. */
const typed = <R extends { type: string }>(row: R) => ({ ...row, type: certificateKind(row.type) });

export type CandidateRow = {
	attempt_id: number;
	person_id: number;
	person_name: string;
	id_number: string;
	role_category: RoleCategory;
	special_operation_code: string | null;
	operation_name: string | null;
	org_id: number;
	org_name: string;
	region_code: string;
	score: string | null;
	finished_at: Date;
	blueprint_type: string;
	course_id: number | null;
	study_completed_at: Date | null;
	cert_id: number | null;
	cert_status: string | null;
	cert_number: string | null;
};

/**
 * Each person's newest passed exam attempt in the session (passed = mode exam, finished, passed,
 * not voided), with what eligibility needs: the session course's 学时 and any live certificate.
 */
export async function listPassedCandidates(db: Db, sessionId: number): Promise<CandidateRow[]> {
	const r = await sql<CandidateRow>`
		select distinct on (a.person_id)
			a.id as attempt_id, a.person_id, p.name as person_name, p.id_number, p.role_category, p.special_operation_code,
			so.category || ' · ' || so.item as operation_name,
			p.org_id, o.name as org_name, o.region_code, a.score::text as score, a.finished_at,
			b.certificate_type as blueprint_type, s.course_id, e.completed_at as study_completed_at,
			c.id as cert_id, c.status as cert_status, c.number as cert_number
		from exam_attempts a
		join exam_sessions s on s.id = a.session_id
		join exam_blueprints b on b.id = s.blueprint_id
		join persons p on p.id = a.person_id
		join organisations o on o.id = p.org_id
		left join special_operations so on so.code = p.special_operation_code
		left join lateral (
			select min(en.completed_at) as completed_at from enrolments en
			where en.person_id = a.person_id and en.course_id = s.course_id and en.completed_at is not null
		) e on true
		left join lateral (
			select c.id, c.status, c.number from certificates c
			where c.attempt_id = a.id and c.status in ('proposed', 'issued') limit 1
		) c on true
		where a.session_id = ${sessionId} and a.mode = 'exam' and a.status = 'finished' and a.passed = true
			and a.decision is distinct from 'voided'
		order by a.person_id, a.finished_at desc, a.id desc`.execute(db);
	return r.rows;
}

export async function getSessionForInstitution(db: Db, sessionId: number, institutionOrgId: number) {
	return db
		.selectFrom('exam_sessions as s')
		.innerJoin('exam_blueprints as b', 'b.id', 's.blueprint_id')
		.leftJoin('courses as c', 'c.id', 's.course_id')
		.select(['s.id', 's.name', 's.owner_org_id', 's.opens_at', 's.closes_at', 's.course_id', 'c.title as course_title', 'b.certificate_type as blueprint_type', 'b.name as blueprint_name'])
		.where('s.id', '=', sessionId)
		.where('s.owner_org_id', '=', institutionOrgId)
		.executeTakeFirst();
}

export async function listInstitutionSessions(db: Db, institutionOrgId: number) {
	const r = await sql<{ id: number; name: string; opens_at: Date; blueprint_type: string; passed: number; proposed: number; issued: number }>`
		select s.id, s.name, s.opens_at, b.certificate_type as blueprint_type,
			(select count(distinct a.person_id)::int from exam_attempts a where a.session_id = s.id and a.mode = 'exam' and a.status = 'finished'
				and a.passed and a.decision is distinct from 'voided') as passed,
			(select count(*)::int from certificates c where c.session_id = s.id and c.status = 'proposed') as proposed,
			(select count(*)::int from certificates c where c.session_id = s.id and c.status in ('issued', 'revoked')) as issued
		from exam_sessions s join exam_blueprints b on b.id = s.blueprint_id
		where s.owner_org_id = ${institutionOrgId} and b.certificate_type <> 'none'
		order by s.opens_at desc, s.id desc limit 200`.execute(db);
	return r.rows;
}

export const certificateListColumns = [
	'c.id',
	'c.number',
	'c.type',
	'c.status',
	'c.person_id',
	'p.name as person_name',
	'p.id_number',
	'c.holder_org_id',
	'ho.name as holder_org_name',
	'c.special_operation_code',
	'c.issuer_org_id',
	'io.name as issuer_name',
	'c.institution_org_id',
	'c.session_id',
	'c.attempt_id',
	'c.issued_on',
	'c.valid_until',
	'c.next_review_due',
	'c.revoked_at',
	'c.revoke_reason',
	'c.reject_reason',
	'c.proposed_at',
	'c.replaces_certificate_id'
] as const;

export function certificatesQuery(db: Db) {
	return db
		.selectFrom('certificates as c')
		.innerJoin('persons as p', 'p.id', 'c.person_id')
		.innerJoin('organisations as ho', 'ho.id', 'c.holder_org_id')
		.innerJoin('regions as hr', 'hr.code', 'ho.region_code')
		.leftJoin('organisations as io', 'io.id', 'c.issuer_org_id')
		.select(certificateListColumns);
}

export type CertificateListRow = Awaited<ReturnType<ReturnType<typeof certificatesQuery>['execute']>>[number];

/** Locks the certificates for a decision; only those whose holder enterprise is in the region subtree. */
export async function lockCertificatesInRegion(db: Db, ids: number[], regionPath: string) {
	if (ids.length === 0) return [];
	return db
		.selectFrom('certificates as c')
		.innerJoin('organisations as ho', 'ho.id', 'c.holder_org_id')
		.innerJoin('regions as hr', 'hr.code', 'ho.region_code')
		.selectAll('c')
		.where('c.id', 'in', ids)
		.where('hr.path', 'like', `${regionPath}%`)
		.orderBy('c.id')
		.forUpdate('c')
		.execute()
		.then((rows) => rows.map(typed));
}

export async function nextSequence(db: Db, type: string, year: number, regionCode: string): Promise<number> {
	const row = await db
		.insertInto('certificate_sequences')
		.values({ type, year, region_code: regionCode, last_value: 1 })
		.onConflict((oc) => oc.columns(['type', 'year', 'region_code']).doUpdateSet({ last_value: sql`certificate_sequences.last_value + 1` }))
		.returning('last_value')
		.executeTakeFirstOrThrow();
	return row.last_value;
}

/** The holder's newest issued certificate of the same kind (and operation): a new one renews it. */
export async function findRenewedCertificate(db: Db, personId: number, type: string, operationCode: string | null, excludeId: number) {
	let q = db
		.selectFrom('certificates')
		.select(['id', 'number', 'valid_until'])
		.where('person_id', '=', personId)
		.where('type', '=', type)
		.where('status', '=', 'issued')
		.where('id', '<>', excludeId);
	q = operationCode === null ? q.where('special_operation_code', 'is', null) : q.where('special_operation_code', '=', operationCode);
	return q.orderBy('valid_until', 'desc').limit(1).executeTakeFirst();
}

export async function getPersonForPayload(db: Db, personId: number) {
	return db
		.selectFrom('persons as p')
		.leftJoin('special_operations as so', 'so.code', 'p.special_operation_code')
		.select(['p.id', 'p.name', 'p.id_number', 'so.category', 'so.item'])
		.where('p.id', '=', personId)
		.executeTakeFirstOrThrow();
}

/** The holder as they are now (category and 操作项目 may change between proposal and approval). */
export async function getHolderCategory(db: Db, personId: number) {
	return db.selectFrom('persons').select(['name', 'role_category', 'special_operation_code']).where('id', '=', personId).executeTakeFirstOrThrow();
}

export async function getOperationName(db: Db, code: string | null): Promise<string | null> {
	if (!code) return null;
	const row = await db.selectFrom('special_operations').select(['category', 'item']).where('code', '=', code).executeTakeFirst();
	return row ? `${row.category} · ${row.item}` : null;
}

export async function getOrgName(db: Db, orgId: number): Promise<string> {
	const row = await db.selectFrom('organisations').select('name').where('id', '=', orgId).executeTakeFirstOrThrow();
	return row.name;
}

// Writes of the certificate use cases (issue-service.ts).

export async function findSessionOwner(db: Db, sessionId: number) {
	return db.selectFrom('exam_sessions').select(['id', 'owner_org_id']).where('id', '=', sessionId).executeTakeFirst();
}

/** One proposer per session at a time: two clicks cannot both propose the same attempt. */
export async function lockSessionProposals(tx: Tx, sessionId: number): Promise<void> {
	await sql`select pg_advisory_xact_lock(7320414, ${sessionId})`.execute(tx);
}

export type NewProposal = {
	type: string;
	personId: number;
	holderOrgId: number;
	specialOperationCode: string | null;
	institutionOrgId: number;
	sessionId: number;
	attemptId: number;
	proposedBy: number | null;
	now: Date;
};

export async function insertProposal(db: Db, p: NewProposal): Promise<number> {
	const row = await db
		.insertInto('certificates')
		.values({
			type: p.type,
			person_id: p.personId,
			holder_org_id: p.holderOrgId,
			special_operation_code: p.specialOperationCode,
			institution_org_id: p.institutionOrgId,
			session_id: p.sessionId,
			attempt_id: p.attemptId,
			status: 'proposed',
			proposed_by: p.proposedBy,
			proposed_at: p.now,
			created_at: p.now
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function setReplacedCertificate(db: Db, certificateId: number, replacesId: number): Promise<void> {
	await db.updateTable('certificates').set({ replaces_certificate_id: replacesId }).where('id', '=', certificateId).execute();
}

export async function getCertificate(db: Db, certificateId: number) {
	return typed(await db.selectFrom('certificates').selectAll().where('id', '=', certificateId).executeTakeFirstOrThrow());
}

export async function getOrgRegionCode(db: Db, orgId: number): Promise<string> {
	const row = await db.selectFrom('organisations').select('region_code').where('id', '=', orgId).executeTakeFirstOrThrow();
	return row.region_code;
}

export type IssuedFields = {
	number: string;
	issuerOrgId: number;
	issuedOn: string;
	validUntil: string;
	nextReviewDue: string | null;
	ruleCode: string;
	decidedBy: number | null;
	now: Date;
	payload: unknown;
	signature: string;
	keyId: string;
	sm2Signature: string;
	sm2KeyId: string;
	statusIndex: number;
};

export async function markIssued(db: Db, certificateId: number, f: IssuedFields): Promise<void> {
	await db
		.updateTable('certificates')
		.set({
			number: f.number,
			status: 'issued',
			issuer_org_id: f.issuerOrgId,
			issued_on: f.issuedOn,
			valid_until: f.validUntil,
			next_review_due: f.nextReviewDue,
			rule_code: f.ruleCode,
			decided_by: f.decidedBy,
			decided_at: f.now,
			payload: JSON.stringify(f.payload),
			signature: f.signature,
			key_id: f.keyId,
			sm2_signature: f.sm2Signature,
			sm2_key_id: f.sm2KeyId,
			status_index: f.statusIndex
		})
		.where('id', '=', certificateId)
		.execute();
}

export async function markRejected(db: Db, certificateId: number, decidedBy: number | null, reason: string, now: Date): Promise<void> {
	await db.updateTable('certificates').set({ status: 'rejected', decided_by: decidedBy, decided_at: now, reject_reason: reason }).where('id', '=', certificateId).execute();
}

/** The exam attempt a proposal rests on, as it is now (it may have been voided since). */
export async function findExamOutcome(db: Db, attemptId: number) {
	return db.selectFrom('exam_attempts').select(['passed', 'status', 'decision']).where('id', '=', attemptId).executeTakeFirst();
}

export async function findPracticalOutcome(db: Db, practicalAttemptId: number) {
	return db.selectFrom('practical_attempts').select(['passed', 'status']).where('id', '=', practicalAttemptId).executeTakeFirst();
}

/** Locks an issuer's own 培训合格证明 (the institution revokes what it issued). */
export async function lockOwnTrainingCertificate(tx: Tx, certificateId: number, issuerOrgId: number) {
	const row = await tx.selectFrom('certificates').selectAll().where('id', '=', certificateId).where('issuer_org_id', '=', issuerOrgId).where('type', '=', 'training').forUpdate().executeTakeFirst();
	return row && typed(row);
}

export async function markRevoked(db: Db, certificateId: number, revokedBy: number | null, reason: string, now: Date): Promise<void> {
	await db.updateTable('certificates').set({ status: 'revoked', revoked_at: now, revoke_reason: reason, revoked_by: revokedBy }).where('id', '=', certificateId).execute();
}

export async function insertReview(
	db: Db,
	r: { certificateId: number; attemptId: number | null; reviewedOn: string; previousDue: string | null; nextReviewDue: string | null; ruleCode: string; decidedBy: number | null; now: Date }
): Promise<void> {
	await db.updateTable('certificates').set({ next_review_due: r.nextReviewDue }).where('id', '=', r.certificateId).execute();
	await db
		.insertInto('certificate_reviews')
		.values({ certificate_id: r.certificateId, attempt_id: r.attemptId, reviewed_on: r.reviewedOn, previous_due: r.previousDue, next_review_due: r.nextReviewDue, rule_code: r.ruleCode, decided_by: r.decidedBy, created_at: r.now })
		.execute();
}

/** The status-list positions of every revoked certificate. */
export async function listRevokedStatusIndexes(db: Db): Promise<number[]> {
	const rows = await db.selectFrom('certificates').select('status_index').where('status', '=', 'revoked').where('status_index', 'is not', null).execute();
	return rows.map((r) => r.status_index!);
}

export async function insertStatusList(db: Db, list: { now: Date; bitLength: number; encodedList: string; revokedCount: number; keyId: string; signature: string }): Promise<void> {
	await db
		.insertInto('certificate_status_lists')
		.values({ published_at: list.now, bit_length: list.bitLength, encoded_list: list.encodedList, revoked_count: list.revokedCount, key_id: list.keyId, signature: list.signature })
		.execute();
}

export async function findLatestStatusList(db: Db) {
	return db.selectFrom('certificate_status_lists').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
}
