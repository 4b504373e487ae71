// Identity verification by face: consent, reference, checks in study and exams, reviews.
// Every function takes the engine and the time as arguments; the routes are thin.
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { readFileRange } from '../files/files.repository.ts';
import type { FaceAnalysis } from './engine.ts';
import { judgeEnrolment, judgeFace, type FaceOutcome, type FaceThresholds, type FaceVerdict } from './rules.ts';
import { open, openEmbedding, seal, sealEmbedding } from './vault.ts';

export type Analyser = { analyse(bytes: Uint8Array): Promise<FaceAnalysis> };

export const CONSENT_VERSION = '2026-12-v1';
/** The text of the separate consent (单独同意), shown in full on the consent page. */
export const CONSENT_TEXT = [
	'处理的信息：您的人脸图像（登记照片、学习和考试中的抓拍照片）以及由其计算出的人脸特征值。人脸信息属于敏感个人信息。',
	'处理目的：核验正在学习或考试的是您本人，防止代学、代考，使学时和成绩真实有效。',
	'处理方式：照片在本平台服务器上比对，不发送给第三方；登记照片、特征值和抓拍照片加密保存，不会发送到浏览器。',
	'保存期限：比对结果随培训档案保存；抓拍照片在保存期满后删除，涉及复核或监管问题的除外。',
	'谁能看到：您所在企业的培训管理员（复核您的学习抓拍）、考试的监考员（复核考试抓拍）、负有监管职责的部门（问题线索）。',
	'您可以不同意：不同意时，企业或培训机构会安排现场签到等替代方式，不影响您参加培训和考试。您也可以随时撤回同意，撤回后不再抓拍比对。'
];

export type FaceStatus = {
	consent: { given: boolean; at: Date | null; version: string | null };
	reference: { id: number; status: 'pending' | 'confirmed'; source: string; createdAt: Date } | null;
	/** consented and a confirmed reference: study and exams run face checks */
	active: boolean;
};

export async function faceStatus(db: Db, personId: number): Promise<FaceStatus> {
	const c = await db.selectFrom('face_consents').select(['action', 'at', 'text_version']).where('person_id', '=', personId).orderBy('id', 'desc').limit(1).executeTakeFirst();
	const r = await db
		.selectFrom('face_references')
		.select(['id', 'status', 'source', 'created_at'])
		.where('person_id', '=', personId)
		.where('status', '<>', 'revoked')
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
	const given = c?.action === 'given';
	const reference = r ? { id: r.id, status: r.status as 'pending' | 'confirmed', source: r.source, createdAt: new Date(r.created_at) } : null;
	return { consent: { given, at: c ? new Date(c.at) : null, version: c?.text_version ?? null }, reference, active: given && reference?.status === 'confirmed' };
}

export async function recordConsent(db: Db, input: { personId: number; userId: number; action: 'given' | 'withdrawn'; ip: string | null }, now: Date): Promise<void> {
	await db.insertInto('face_consents').values({ person_id: input.personId, action: input.action, text_version: CONSENT_VERSION, at: now, user_id: input.userId, ip: input.ip }).execute();
	if (input.action === 'withdrawn') {
		// withdrawal: no more face processing; the reference is revoked (kept encrypted only as
		// long as the retention rules keep the training record), pending face checks end
		await db.updateTable('face_references').set({ status: 'revoked' }).where('person_id', '=', input.personId).where('status', '<>', 'revoked').execute();
		await db.updateTable('study_checks').set({ status: 'missed', answered_at: now }).where('person_id', '=', input.personId).where('kind', '=', 'face').where('status', '=', 'pending').execute();
	}
	await appendAudit(db, { at: now, actorUserId: input.userId, action: input.action === 'given' ? 'face.consent_given' : 'face.consent_withdrawn', target: `person:${input.personId}`, detail: { version: CONSENT_VERSION }, ip: input.ip });
}

async function requireConsent(db: Db, personId: number): Promise<void> {
	if (!(await faceStatus(db, personId)).consent.given) throw new FaceError('尚未同意人脸核验', 403);
}

export class FaceError extends Error {
	constructor(
		message: string,
		public status = 400
	) {
		super(message);
	}
}

/** The accepted 特种作业 application's 证件照, if there is one. */
async function specialOpsPhoto(db: Db, personId: number): Promise<Uint8Array | null> {
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
	if (!a?.photo_file_id) return null;
	return readFileRange(db, a.photo_file_id, 0, Number(a.size_bytes) - 1);
}

/**
 * Enrolment from the 证件照 of an accepted 特种作业 application: already checked by the
 * institution, so the reference is confirmed at once. Returns false when there is none.
 */
export async function enrolFromSpecialOps(db: Db, engine: Analyser, t: FaceThresholds, input: { personId: number; userId: number }, now: Date): Promise<boolean> {
	await requireConsent(db, input.personId);
	const photo = await specialOpsPhoto(db, input.personId);
	if (!photo) return false;
	const v = judgeFace(await engine.analyse(photo), null, t);
	if (v.outcome !== 'matched' || !v.embedding) return false;
	await db.updateTable('face_references').set({ status: 'revoked' }).where('person_id', '=', input.personId).where('status', '<>', 'revoked').execute();
	await db
		.insertInto('face_references')
		.values({ person_id: input.personId, source: 'special_ops_photo', image_enc: seal(photo), embedding_enc: sealEmbedding(v.embedding), status: 'confirmed', created_at: now, confirmed_at: now })
		.execute();
	await appendAudit(db, { at: now, actorUserId: input.userId, action: 'face.enrolled', target: `person:${input.personId}`, detail: { source: 'special_ops_photo' } });
	return true;
}

/** Enrolment from three camera frames (one live face, the same person): pending until the enterprise admin confirms. */
export async function enrolFromCapture(db: Db, engine: Analyser, t: FaceThresholds, input: { personId: number; userId: number; frames: Uint8Array[] }, now: Date): Promise<{ ok: true; referenceId: number } | { ok: false; message: string }> {
	await requireConsent(db, input.personId);
	const digests = input.frames.map(sha256);
	if (new Set(digests).size < digests.length) return { ok: false, message: '3 张照片中有完全相同的照片：请重新拍摄' };
	const verdicts = [];
	for (const f of input.frames) verdicts.push(judgeFace(await engine.analyse(f), null, t));
	const j = judgeEnrolment(verdicts, t, digests);
	if (!j.ok) return j;
	await db.updateTable('face_references').set({ status: 'revoked' }).where('person_id', '=', input.personId).where('status', '<>', 'revoked').execute();
	const row = await db
		.insertInto('face_references')
		.values({ person_id: input.personId, source: 'capture', image_enc: seal(input.frames[1]!), embedding_enc: sealEmbedding(j.embedding), status: 'pending', created_at: now })
		.returning('id')
		.executeTakeFirstOrThrow();
	await appendAudit(db, { at: now, actorUserId: input.userId, action: 'face.enrolled', target: `person:${input.personId}`, detail: { source: 'capture', referenceId: row.id, motion: j.motion } });
	return { ok: true, referenceId: row.id };
}

/** The enterprise admin confirms (or rejects) a captured reference of one of their staff. */
export async function decideReference(db: Db, input: { referenceId: number; orgId: number; userId: number; confirm: boolean }, now: Date): Promise<void> {
	const r = await db
		.selectFrom('face_references as r')
		.innerJoin('persons as p', 'p.id', 'r.person_id')
		.select(['r.id', 'r.status', 'p.org_id', 'r.person_id'])
		.where('r.id', '=', input.referenceId)
		.executeTakeFirst();
	if (!r || r.org_id !== input.orgId) throw new FaceError('没有这张登记照片', 404);
	if (r.status !== 'pending') throw new FaceError('这张登记照片已处理', 409);
	await db
		.updateTable('face_references')
		.set(input.confirm ? { status: 'confirmed', confirmed_by: input.userId, confirmed_at: now } : { status: 'revoked' })
		.where('id', '=', r.id)
		.execute();
	await appendAudit(db, { at: now, actorUserId: input.userId, action: input.confirm ? 'face.reference_confirmed' : 'face.reference_rejected', target: `person:${r.person_id}`, detail: { referenceId: r.id } });
}

async function confirmedReference(db: Db, personId: number): Promise<{ id: number; embedding: number[] } | null> {
	const r = await db
		.selectFrom('face_references')
		.select(['id', 'embedding_enc'])
		.where('person_id', '=', personId)
		.where('status', '=', 'confirmed')
		.orderBy('id', 'desc')
		.limit(1)
		.executeTakeFirst();
	return r ? { id: r.id, embedding: openEmbedding(r.embedding_enc) } : null;
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export type CheckContext = { context: 'study' | 'exam'; enrolmentId?: number | null; lessonId?: number | null; studyCheckId?: number | null; attemptId?: number | null };

/**
 * Checks one photo against the person's confirmed reference and stores the result (photo
 * encrypted). The same bytes a second time are refused (FaceError 409) before any model work.
 */
export async function checkPhoto(
	db: Db,
	engine: Analyser,
	t: FaceThresholds,
	input: { personId: number; bytes: Uint8Array | null } & CheckContext,
	now: Date
): Promise<FaceVerdict & { checkId: number }> {
	const ref = await confirmedReference(db, input.personId);
	if (!ref) throw new FaceError('尚无已确认的登记照片', 409);
	let verdict: FaceVerdict & { embedding: number[] | null };
	let hash: string | null = null;
	if (input.bytes === null) {
		verdict = { outcome: 'camera_unavailable', score: null, real: null, live: null, embedding: null };
	} else {
		hash = sha256(input.bytes);
		const seen = await db.selectFrom('face_checks').select('id').where('person_id', '=', input.personId).where('image_sha256', '=', hash).executeTakeFirst();
		if (seen) throw new FaceError('这张照片已提交过，重复提交不计', 409);
		verdict = judgeFace(await engine.analyse(input.bytes), ref.embedding, t);
	}
	const row = await db
		.insertInto('face_checks')
		.values({
			person_id: input.personId,
			context: input.context,
			enrolment_id: input.enrolmentId ?? null,
			lesson_id: input.lessonId ?? null,
			study_check_id: input.studyCheckId ?? null,
			attempt_id: input.attemptId ?? null,
			reference_id: ref.id,
			at: now,
			outcome: verdict.outcome,
			score: verdict.score === null ? null : String(verdict.score),
			real: verdict.real === null ? null : String(verdict.real),
			live: verdict.live === null ? null : String(verdict.live),
			image_sha256: hash,
			image_enc: input.bytes ? seal(input.bytes) : null,
			embedding_enc: verdict.embedding ? sealEmbedding(verdict.embedding) : null
		})
		.onConflict((oc) => oc.columns(['person_id', 'image_sha256']).doNothing())
		.returning('id')
		.executeTakeFirst();
	if (!row) throw new FaceError('这张照片已提交过，重复提交不计', 409);
	return { outcome: verdict.outcome, score: verdict.score, real: verdict.real, live: verdict.live, checkId: row.id };
}

export type StudySnapshotResult = { outcome: FaceOutcome; score: number | null; passed: boolean; message: string };

const STUDY_MESSAGES: Record<FaceOutcome, string> = {
	matched: '核验通过，继续计时。',
	no_face: '未检测到人脸：请正对摄像头后重试。核验通过前不计学时。',
	several_faces: '画面中有多张人脸：请只保留本人后重试。核验通过前不计学时。',
	different_person: '与登记照片不一致：这段时间不计学时，已记录待复核。',
	spoof: '疑似翻拍照片或屏幕：请本人正对摄像头后重试。核验通过前不计学时。',
	camera_unavailable: '摄像头不可用：核验通过前不计学时。可联系企业培训管理员安排现场签到。'
};

/**
 * A learner's photo for a pending face check of their own live study lease. Matched: the check
 * passes and crediting resumes from now (the time the check was pending is never credited).
 * Anything else: the check stays pending; the outcome is in study_events and face_checks.
 */
export async function submitStudySnapshot(
	db: Db,
	engine: Analyser,
	t: FaceThresholds,
	input: { personId: number; checkId: number; tabId: string; bytes: Uint8Array | null; ip: string | null; device: string | null },
	now: Date
): Promise<StudySnapshotResult> {
	const check = await db.selectFrom('study_checks').selectAll().where('id', '=', input.checkId).executeTakeFirst();
	if (!check || check.person_id !== input.personId || check.kind !== 'face') throw new FaceError('没有这条人脸核验', 404);
	if (check.status !== 'pending') throw new FaceError('这条人脸核验已结束', 409);
	const lease = await db.selectFrom('study_leases').select(['tab_id', 'lesson_id', 'released_at']).where('person_id', '=', input.personId).executeTakeFirst();
	if (!lease || lease.tab_id !== input.tabId || lease.lesson_id !== check.lesson_id || lease.released_at !== null) {
		throw new FaceError('这张照片不属于当前计时的学习页面', 409);
	}
	const v = await checkPhoto(db, engine, t, { personId: input.personId, bytes: input.bytes, context: 'study', enrolmentId: check.enrolment_id, lessonId: check.lesson_id, studyCheckId: check.id }, now);
	const passed = v.outcome === 'matched';
	await db.transaction().execute(async (tx) => {
		await sql`select pg_advisory_xact_lock(7301, ${input.personId})`.execute(tx);
		const base = { at: now, person_id: input.personId, enrolment_id: check.enrolment_id, lesson_id: check.lesson_id, tab_id: input.tabId, ip: input.ip, device: input.device, credited_seconds: 0 };
		await tx.insertInto('study_events').values({ ...base, kind: 'face_check', reason: `${v.outcome}${v.score !== null ? ':' + v.score : ''} #${v.checkId}` }).execute();
		if (!passed) return;
		const closed = await tx.updateTable('study_checks').set({ status: 'passed', answered_at: now }).where('id', '=', check.id).where('status', '=', 'pending').returning('id').executeTakeFirst();
		if (!closed) return;
		// crediting resumes from now: the pending period is never credited
		await tx.updateTable('study_leases').set((eb) => ({ last_beat_at: now, version: eb('version', '+', 1) })).where('person_id', '=', input.personId).execute();
		await tx.insertInto('study_events').values({ ...base, kind: 'check_passed', reason: `${check.id} face` }).execute();
	});
	return { outcome: v.outcome, score: v.score, passed, message: STUDY_MESSAGES[v.outcome] };
}

/** The reference image of a person (for reviewers, server-rendered as a data URL, never the embedding). */
export async function referenceImage(db: Db, referenceId: number): Promise<Uint8Array | null> {
	const r = await db.selectFrom('face_references').select('image_enc').where('id', '=', referenceId).executeTakeFirst();
	return r ? open(r.image_enc) : null;
}

export async function checkImage(db: Db, checkId: number): Promise<Uint8Array | null> {
	const r = await db.selectFrom('face_checks').select('image_enc').where('id', '=', checkId).executeTakeFirst();
	return r?.image_enc ? open(r.image_enc) : null;
}

/** In-person sign-in: the alternative for a person who does not consent. */
export async function recordSignin(db: Db, input: { personId: number; orgId: number; userId: number; note: string | null }, now: Date): Promise<void> {
	await db.insertInto('face_signins').values({ person_id: input.personId, recorded_by: input.userId, org_id: input.orgId, at: now, note: input.note }).execute();
	await appendAudit(db, { at: now, actorUserId: input.userId, action: 'face.signin_recorded', target: `person:${input.personId}`, detail: { note: input.note } });
}

export const REVIEW_LABELS = { self: '本人', other: '非本人', unsure: '无法判断' } as const;
export type ReviewDecision = keyof typeof REVIEW_LABELS;

/** A reviewer's decision on a face check; the caller has checked the reviewer may see it. */
export async function reviewCheck(db: Db, input: { checkId: number; userId: number; decision: ReviewDecision; note: string | null }, now: Date): Promise<void> {
	await db.insertInto('face_reviews').values({ check_id: input.checkId, decision: input.decision, decided_by: input.userId, at: now, note: input.note }).execute();
	await db.updateTable('face_checks').set({ kept_for_finding: true }).where('id', '=', input.checkId).where('outcome', '<>', 'matched').execute();
	await appendAudit(db, { at: now, actorUserId: input.userId, action: 'face.reviewed', target: `face_check:${input.checkId}`, detail: { decision: input.decision, note: input.note } });
}

/** Retention: raw snapshots older than the period are deleted unless kept for a finding or review. */
export async function purgeSnapshots(db: Db, olderThan: Date): Promise<number> {
	const r = await db.updateTable('face_checks').set({ image_enc: null }).where('at', '<', olderThan).where('kept_for_finding', '=', false).where('image_enc', 'is not', null).executeTakeFirst();
	return Number(r.numUpdatedRows);
}
