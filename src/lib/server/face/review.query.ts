import type { Db } from '../db/index.ts';
import { open } from './vault.ts';
import { faceOutcome, OUTCOME_LABELS } from './rules.ts';

const dataUrl = (enc: Uint8Array | null) => {
	if (!enc) return null;
	const b = open(enc);
	const mime = b[0] === 0x89 ? 'image/png' : 'image/jpeg';
	return `data:${mime};base64,${b.toString('base64')}`;
};

/** Captured references of the enterprise's staff waiting for the admin (image only; never the embedding). */
export async function pendingReferences(db: Db, orgId: number) {
	const rows = await db
		.selectFrom('face_references as r')
		.innerJoin('persons as p', 'p.id', 'r.person_id')
		.select(['r.id', 'p.name', 'r.created_at', 'r.image_enc'])
		.where('p.org_id', '=', orgId)
		.where('r.status', '=', 'pending')
		.orderBy('r.id')
		.limit(50)
		.execute();
	return rows.map((r) => ({ id: r.id, name: r.name, createdAt: new Date(r.created_at).toISOString(), image: dataUrl(r.image_enc) }));
}

/**
 * Review queue: face checks that did not match, not yet reviewed, limited to what the reviewer
 * may see — the enterprise's staff (study) or the examiner's sessions (exam).
 */
export async function reviewQueue(db: Db, scope: { orgId: number } | { examinerUserId: number }) {
	let q = db
		.selectFrom('face_checks as c')
		.innerJoin('persons as p', 'p.id', 'c.person_id')
		.leftJoin('face_references as r', 'r.id', 'c.reference_id')
		.select(['c.id', 'c.context', 'c.outcome', 'c.score', 'c.at', 'p.name', 'c.image_enc', 'r.image_enc as ref_enc'])
		.where('c.outcome', '<>', 'matched')
		.where((eb) => eb.not(eb.exists(eb.selectFrom('face_reviews as v').select('v.id').whereRef('v.check_id', '=', 'c.id'))));
	if ('orgId' in scope) q = q.where('p.org_id', '=', scope.orgId).where('c.context', '=', 'study');
	else
		q = q.where('c.context', '=', 'exam').where((eb) =>
			eb.exists(
				eb
					.selectFrom('exam_attempts as a')
					.innerJoin('exam_session_examiners as se', 'se.session_id', 'a.session_id')
					.select('a.id')
					.whereRef('a.id', '=', 'c.attempt_id')
					.where('se.user_id', '=', scope.examinerUserId)
			)
		);
	const rows = await q.orderBy('c.id', 'desc').limit(30).execute();
	return rows.map((r) => ({
		id: r.id,
		context: r.context,
		outcome: OUTCOME_LABELS[faceOutcome(r.outcome)],
		score: r.score === null ? null : Number(r.score),
		at: new Date(r.at).toISOString(),
		name: r.name,
		snapshot: dataUrl(r.image_enc),
		reference: dataUrl(r.ref_enc)
	}));
}

/** May this reviewer decide this check? (their staff's study checks, or checks of their exam sessions) */
export async function mayReview(db: Db, checkId: number, scope: { orgId: number } | { examinerUserId: number }): Promise<boolean> {
	const c = await db
		.selectFrom('face_checks as c')
		.innerJoin('persons as p', 'p.id', 'c.person_id')
		.select(['c.context', 'c.attempt_id', 'p.org_id'])
		.where('c.id', '=', checkId)
		.executeTakeFirst();
	if (!c) return false;
	if ('orgId' in scope) return c.context === 'study' && c.org_id === scope.orgId;
	if (c.context !== 'exam' || c.attempt_id === null) return false;
	const row = await db
		.selectFrom('exam_attempts as a')
		.innerJoin('exam_session_examiners as se', 'se.session_id', 'a.session_id')
		.select('a.id')
		.where('a.id', '=', c.attempt_id)
		.where('se.user_id', '=', scope.examinerUserId)
		.executeTakeFirst();
	return row !== undefined;
}

/**
 * The face checks of one exam attempt, for the examiner's attempt page (caller has checked the
 * attempt is theirs). Images are not inlined: the page links them through the attempt's
 * authorised endpoint; the embedding never leaves the server.
 */
export async function attemptFaceChecks(db: Db, attemptId: number) {
	const rows = await db
		.selectFrom('face_checks as c')
		.select(['c.id', 'c.outcome', 'c.score', 'c.real', 'c.live', 'c.at', 'c.reference_id'])
		.select((eb) => [
			eb.case().when('c.image_enc', 'is not', null).then(true).else(false).end().as('has_snapshot'),
			eb.selectFrom('face_reviews as v').select('v.decision').whereRef('v.check_id', '=', 'c.id').orderBy('v.id', 'desc').limit(1).as('decision')
		])
		.where('c.attempt_id', '=', attemptId)
		.where('c.context', '=', 'exam')
		.orderBy('c.id')
		.limit(50)
		.execute();
	const num = (v: string | number | null) => (v === null ? null : Number(v));
	return rows.map((r) => ({
		id: r.id,
		outcome: faceOutcome(r.outcome),
		outcomeLabel: OUTCOME_LABELS[faceOutcome(r.outcome)],
		score: num(r.score),
		real: num(r.real),
		live: num(r.live),
		at: new Date(r.at).toISOString(),
		hasSnapshot: Boolean(r.has_snapshot),
		hasReference: r.reference_id !== null,
		decision: (r.decision ?? null) as string | null
	}));
}

/** The reference photo or the snapshot of one face check of an attempt; null when there is none (or not this attempt's). */
export async function attemptFaceImage(db: Db, attemptId: number, checkId: number, which: 'reference' | 'snapshot'): Promise<Buffer | null> {
	const c = await db
		.selectFrom('face_checks as c')
		.leftJoin('face_references as r', 'r.id', 'c.reference_id')
		.select(['c.image_enc', 'r.image_enc as ref_enc'])
		.where('c.id', '=', checkId)
		.where('c.attempt_id', '=', attemptId)
		.where('c.context', '=', 'exam')
		.executeTakeFirst();
	const enc = which === 'reference' ? c?.ref_enc : c?.image_enc;
	return enc ? open(enc) : null;
}

/** Active staff of the enterprise, by name, for the in-person sign-in form (at most 500). */
export async function listSigninStaff(db: Db, orgId: number): Promise<{ id: number; name: string }[]> {
	return db.selectFrom('persons').select(['id', 'name']).where('org_id', '=', orgId).where('active', '=', true).orderBy('name').limit(500).execute();
}

/** Is the person on the organisation's staff records (active or not)? */
export async function isPersonOfOrg(db: Db, personId: number, orgId: number): Promise<boolean> {
	const p = await db.selectFrom('persons').select('org_id').where('id', '=', personId).executeTakeFirst();
	return p?.org_id === orgId;
}
