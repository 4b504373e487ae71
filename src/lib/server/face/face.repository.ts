import type { Insertable } from 'kysely';
import type { Db } from '../db/index.ts';
import type { DB } from '../db/schema.ts';
import type { Tx } from '../db/transaction.ts';
import { integrityFlags } from '../proctoring/integrity.ts';

// All SQL of face verification (consent, references, checks, reviews, sign-ins). The use cases
// are in face-service.ts; the reviewers' lists are in review.query.ts.

export type ReferenceStatus = 'pending' | 'confirmed' | 'revoked';

function referenceStatus(s: string): ReferenceStatus {
	if (s === 'pending' || s === 'confirmed' || s === 'revoked') return s;
	throw new Error(`unknown face reference status ${s}`);
}

export async function findLatestConsent(db: Db, personId: number) {
	return db.selectFrom('face_consents').select(['action', 'at', 'text_version']).where('person_id', '=', personId).orderBy('id', 'desc').limit(1).executeTakeFirst();
}

/** The person's newest reference that is not revoked (pending or confirmed). */
export async function findCurrentReference(db: Db, personId: number): Promise<{ id: number; status: 'pending' | 'confirmed'; source: string; createdAt: Date } | undefined> {
	const r = await db
		.selectFrom('face_references')
		.select(['id', 'status', 'source', 'created_at'])
		.where('person_id', '=', personId)
		.where('status', '<>', 'revoked')
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
	if (!r) return undefined;
	const status = referenceStatus(r.status);
	if (status === 'revoked') return undefined;
	return { id: r.id, status, source: r.source, createdAt: new Date(r.created_at) };
}

export async function insertConsent(db: Db, row: Insertable<DB['face_consents']>): Promise<void> {
	await db.insertInto('face_consents').values(row).execute();
}

export async function revokeReferences(db: Db, personId: number): Promise<void> {
	await db.updateTable('face_references').set({ status: 'revoked' }).where('person_id', '=', personId).where('status', '<>', 'revoked').execute();
}

/** Pending face checks of the person's study end as missed (consent withdrawn). */
export async function missPendingStudyFaceChecks(db: Db, personId: number, now: Date): Promise<void> {
	await db.updateTable('study_checks').set({ status: 'missed', answered_at: now }).where('person_id', '=', personId).where('kind', '=', 'face').where('status', '=', 'pending').execute();
}

/** The 证件照 file of the person's newest accepted 特种作业 application. */
export async function findAcceptedSpecialOpsPhoto(db: Db, personId: number): Promise<{ fileId: number; size: number } | undefined> {
	const a = await db
		.selectFrom('so_applications as a')
		.innerJoin('files as f', 'f.id', 'a.photo_file_id')
		.select(['a.photo_file_id', 'f.size_bytes'])
		.where('a.person_id', '=', personId)
		.where('a.status', '=', 'accepted')
		.where('a.photo_file_id', 'is not', null)
		.orderBy('a.id', 'desc')
		.limit(1)
		.executeTakeFirst();
	return a?.photo_file_id ? { fileId: a.photo_file_id, size: Number(a.size_bytes) } : undefined;
}

export async function insertReference(db: Db, row: Insertable<DB['face_references']>): Promise<number> {
	const r = await db.insertInto('face_references').values(row).returning('id').executeTakeFirstOrThrow();
	return r.id;
}

/** A reference with the organisation of its person (for the enterprise admin's decision). */
export async function findReferenceWithOrg(db: Db, referenceId: number) {
	const r = await db
		.selectFrom('face_references as r')
		.innerJoin('persons as p', 'p.id', 'r.person_id')
		.select(['r.id', 'r.status', 'p.org_id', 'r.person_id'])
		.where('r.id', '=', referenceId)
		.executeTakeFirst();
	return r && { ...r, status: referenceStatus(r.status) };
}

export async function decideReferenceRow(db: Db, referenceId: number, decision: { confirm: boolean; userId: number; now: Date }): Promise<void> {
	await db
		.updateTable('face_references')
		.set(decision.confirm ? { status: 'confirmed', confirmed_by: decision.userId, confirmed_at: decision.now } : { status: 'revoked' })
		.where('id', '=', referenceId)
		.execute();
}

export async function findConfirmedReference(db: Db, personId: number) {
	return db
		.selectFrom('face_references')
		.select(['id', 'embedding_enc'])
		.where('person_id', '=', personId)
		.where('status', '=', 'confirmed')
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
}

export async function faceCheckWithImageExists(db: Db, personId: number, imageSha256: string): Promise<boolean> {
	const seen = await db.selectFrom('face_checks').select('id').where('person_id', '=', personId).where('image_sha256', '=', imageSha256).executeTakeFirst();
	return seen !== undefined;
}

/** The new check's id, or undefined when the same image of the person is already stored. */
export async function insertFaceCheck(db: Db, row: Insertable<DB['face_checks']>): Promise<number | undefined> {
	const r = await db
		.insertInto('face_checks')
		.values(row)
		.onConflict((oc) => oc.columns(['person_id', 'image_sha256']).doNothing())
		.returning('id')
		.executeTakeFirst();
	return r?.id;
}

export async function findStudyCheck(db: Db, checkId: number) {
	return db.selectFrom('study_checks').selectAll().where('id', '=', checkId).executeTakeFirst();
}

export async function findStudyLease(db: Db, personId: number) {
	return db.selectFrom('study_leases').select(['tab_id', 'lesson_id', 'released_at']).where('person_id', '=', personId).executeTakeFirst();
}

export async function insertStudyEvent(db: Db, row: Insertable<DB['study_events']>): Promise<void> {
	await db.insertInto('study_events').values(row).execute();
}

/** Passes a pending study check; false when it was no longer pending. */
export async function passStudyCheck(db: Db, checkId: number, now: Date): Promise<boolean> {
	const closed = await db.updateTable('study_checks').set({ status: 'passed', answered_at: now }).where('id', '=', checkId).where('status', '=', 'pending').returning('id').executeTakeFirst();
	return closed !== undefined;
}

/** Crediting resumes from now: the lease's last beat moves to now (the pending period is never credited). */
export async function resumeLeaseFrom(db: Db, personId: number, now: Date): Promise<void> {
	await db
		.updateTable('study_leases')
		.set((eb) => ({ last_beat_at: now, version: eb('version', '+', 1) }))
		.where('person_id', '=', personId)
		.execute();
}

export async function insertSignin(db: Db, row: Insertable<DB['face_signins']>): Promise<void> {
	await db.insertInto('face_signins').values(row).execute();
}

export async function insertReview(db: Db, row: Insertable<DB['face_reviews']>): Promise<void> {
	await db.insertInto('face_reviews').values(row).execute();
}

/** A reviewed check that did not match is kept past the snapshot retention (it may become a finding). */
export async function keepUnmatchedCheck(db: Db, checkId: number): Promise<void> {
	await db.updateTable('face_checks').set({ kept_for_finding: true }).where('id', '=', checkId).where('outcome', '<>', 'matched').execute();
}

export async function clearSnapshotsBefore(db: Db, olderThan: Date): Promise<number> {
	const r = await db.updateTable('face_checks').set({ image_enc: null }).where('at', '<', olderThan).where('kept_for_finding', '=', false).where('image_enc', 'is not', null).executeTakeFirst();
	return Number(r.numUpdatedRows);
}

/** The attempt's grading state, locked: a late exam-photo result adds its flag to stored flags. */
export async function lockAttemptForFlags(tx: Tx, attemptId: number) {
	const row = await tx.selectFrom('exam_attempts').select(['status', 'flags', 'result', 'started_at', 'finished_at', 'session_id']).where('id', '=', attemptId).forUpdate().executeTakeFirst();
	return row && { ...row, flags: row.flags === null ? null : integrityFlags(row.flags) };
}

export async function sessionRequiresFullscreen(db: Db, sessionId: number): Promise<boolean> {
	const s = await db.selectFrom('exam_sessions').select('require_fullscreen').where('id', '=', sessionId).executeTakeFirst();
	return s?.require_fullscreen ?? false;
}

export async function setAttemptFlags(db: Db, attemptId: number, flags: unknown[]): Promise<void> {
	await db.updateTable('exam_attempts').set({ flags: JSON.stringify(flags) }).where('id', '=', attemptId).execute();
}
