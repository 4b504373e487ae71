// Identity verification by face: consent, reference, checks in study and exams, reviews.
// Every function takes the engine and the time as arguments; the routes are thin.
import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { readFileRange } from '../files/files.repository.ts';
import { lockPersonStudy } from '../study/study.repository.ts';
import type { FaceAnalysis } from './engine.ts';
import { judgeEnrolment, judgeFace, type FaceOutcome, type FaceThresholds, type FaceVerdict } from './rules.ts';
import { openEmbedding, seal, sealEmbedding } from './vault.ts';
import {
	clearSnapshotsBefore,
	decideReferenceRow,
	faceCheckWithImageExists,
	findAcceptedSpecialOpsPhoto,
	findConfirmedReference,
	findCurrentReference,
	findLatestConsent,
	findReferenceWithOrg,
	findStudyCheck,
	findStudyLease,
	insertConsent,
	insertFaceCheck,
	insertReference,
	insertReview,
	insertSignin,
	insertStudyEvent,
	keepUnmatchedCheck,
	missPendingStudyFaceChecks,
	passStudyCheck,
	resumeLeaseFrom,
	revokeReferences
} from './face.repository.ts';

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
	const c = await findLatestConsent(db, personId);
	const reference = (await findCurrentReference(db, personId)) ?? null;
	const given = c?.action === 'given';
	return { consent: { given, at: c ? new Date(c.at) : null, version: c?.text_version ?? null }, reference, active: given && reference?.status === 'confirmed' };
}

export async function recordConsent(db: Db, actor: ScopedActor, input: { personId: number; action: 'given' | 'withdrawn' }, now: Date): Promise<void> {
	await withTransaction(db, async (tx) => {
		await insertConsent(tx, { person_id: input.personId, action: input.action, text_version: CONSENT_VERSION, at: now, user_id: actor.userId, ip: actor.ip });
		if (input.action === 'withdrawn') {
			// withdrawal: no more face processing; the reference is revoked (kept encrypted only as
			// long as the retention rules keep the training record), pending face checks end
			await revokeReferences(tx, input.personId);
			await missPendingStudyFaceChecks(tx, input.personId, now);
		}
		await audit(tx, actor, now, input.action === 'given' ? 'face.consent_given' : 'face.consent_withdrawn', `person:${input.personId}`, { version: CONSENT_VERSION });
	});
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
	const photo = await findAcceptedSpecialOpsPhoto(db, personId);
	return photo ? readFileRange(db, photo.fileId, 0, photo.size - 1) : null;
}

/**
 * Enrolment from the 证件照 of an accepted 特种作业 application: already checked by the
 * institution, so the reference is confirmed at once. Returns false when there is none.
 */
export async function enrolFromSpecialOps(db: Db, engine: Analyser, t: FaceThresholds, actor: ScopedActor, input: { personId: number }, now: Date): Promise<boolean> {
	await requireConsent(db, input.personId);
	const photo = await specialOpsPhoto(db, input.personId);
	if (!photo) return false;
	const v = judgeFace(await engine.analyse(photo), null, t);
	if (v.outcome !== 'matched' || !v.embedding) return false;
	const embedding = v.embedding;
	await withTransaction(db, async (tx) => {
		await revokeReferences(tx, input.personId);
		await insertReference(tx, { person_id: input.personId, source: 'special_ops_photo', image_enc: seal(photo), embedding_enc: sealEmbedding(embedding), status: 'confirmed', created_at: now, confirmed_at: now });
		await audit(tx, actor, now, 'face.enrolled', `person:${input.personId}`, { source: 'special_ops_photo' });
	});
	return true;
}

/** Enrolment from three camera frames (one live face, the same person): pending until the enterprise admin confirms. */
export async function enrolFromCapture(db: Db, engine: Analyser, t: FaceThresholds, actor: ScopedActor, input: { personId: number; frames: Uint8Array[] }, now: Date): Promise<{ ok: true; referenceId: number } | { ok: false; message: string }> {
	await requireConsent(db, input.personId);
	const digests = input.frames.map(sha256);
	if (new Set(digests).size < digests.length) return { ok: false, message: '3 张照片中有完全相同的照片：请重新拍摄' };
	const verdicts = [];
	for (const f of input.frames) verdicts.push(judgeFace(await engine.analyse(f), null, t));
	const j = judgeEnrolment(verdicts, t, digests);
	if (!j.ok) return j;
	const referenceId = await withTransaction(db, async (tx) => {
		await revokeReferences(tx, input.personId);
		const id = await insertReference(tx, { person_id: input.personId, source: 'capture', image_enc: seal(input.frames[1]!), embedding_enc: sealEmbedding(j.embedding), status: 'pending', created_at: now });
		await audit(tx, actor, now, 'face.enrolled', `person:${input.personId}`, { source: 'capture', referenceId: id, motion: j.motion });
		return id;
	});
	return { ok: true, referenceId };
}

/** The enterprise admin confirms (or rejects) a captured reference of one of their staff. */
export async function decideReference(db: Db, actor: ScopedActor, input: { referenceId: number; confirm: boolean }, now: Date): Promise<void> {
	const r = await findReferenceWithOrg(db, input.referenceId);
	if (!r || r.org_id !== actor.orgId) throw new FaceError('没有这张登记照片', 404);
	if (r.status !== 'pending') throw new FaceError('这张登记照片已处理', 409);
	await withTransaction(db, async (tx) => {
		await decideReferenceRow(tx, r.id, { confirm: input.confirm, userId: actor.userId, now });
		await audit(tx, actor, now, input.confirm ? 'face.reference_confirmed' : 'face.reference_rejected', `person:${r.person_id}`, { referenceId: r.id });
	});
}

async function confirmedReference(db: Db, personId: number): Promise<{ id: number; embedding: number[] } | null> {
	const r = await findConfirmedReference(db, personId);
	return r ? { id: r.id, embedding: openEmbedding(r.embedding_enc) } : null;
}

export const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

export type CheckContext = {
	context: 'study' | 'exam' | 'live';
	enrolmentId?: number | null;
	lessonId?: number | null;
	studyCheckId?: number | null;
	attemptId?: number | null;
	liveClassId?: number | null;
};

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
		if (await faceCheckWithImageExists(db, input.personId, hash)) throw new FaceError('这张照片已提交过，重复提交不计', 409);
		verdict = judgeFace(await engine.analyse(input.bytes), ref.embedding, t);
	}
	const checkId = await insertFaceCheck(db, {
			person_id: input.personId,
			context: input.context,
			enrolment_id: input.enrolmentId ?? null,
			lesson_id: input.lessonId ?? null,
			study_check_id: input.studyCheckId ?? null,
			attempt_id: input.attemptId ?? null,
			live_class_id: input.liveClassId ?? null,
			reference_id: ref.id,
			at: now,
			outcome: verdict.outcome,
			score: verdict.score === null ? null : String(verdict.score),
			real: verdict.real === null ? null : String(verdict.real),
			live: verdict.live === null ? null : String(verdict.live),
			image_sha256: hash,
			image_enc: input.bytes ? seal(input.bytes) : null,
		embedding_enc: verdict.embedding ? sealEmbedding(verdict.embedding) : null
	});
	if (checkId === undefined) throw new FaceError('这张照片已提交过，重复提交不计', 409);
	return { outcome: verdict.outcome, score: verdict.score, real: verdict.real, live: verdict.live, checkId };
}

export type StudySnapshotResult = { outcome: FaceOutcome; score: number | null; passed: boolean; message: string };

export const STUDY_MESSAGES: Record<FaceOutcome, string> = {
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
	const check = await findStudyCheck(db, input.checkId);
	if (!check || check.person_id !== input.personId || check.kind !== 'face') throw new FaceError('没有这条人脸核验', 404);
	if (check.status !== 'pending') throw new FaceError('这条人脸核验已结束', 409);
	const lease = await findStudyLease(db, input.personId);
	if (!lease || lease.tab_id !== input.tabId || lease.lesson_id !== check.lesson_id || lease.released_at !== null) {
		throw new FaceError('这张照片不属于当前计时的学习页面', 409);
	}
	const v = await checkPhoto(db, engine, t, { personId: input.personId, bytes: input.bytes, context: 'study', enrolmentId: check.enrolment_id, lessonId: check.lesson_id, studyCheckId: check.id }, now);
	const passed = v.outcome === 'matched';
	await withTransaction(db, async (tx) => {
		await lockPersonStudy(tx, input.personId);
		const base = { at: now, person_id: input.personId, enrolment_id: check.enrolment_id, lesson_id: check.lesson_id, tab_id: input.tabId, ip: input.ip, device: input.device, credited_seconds: 0 };
		await insertStudyEvent(tx, { ...base, kind: 'face_check', reason: `${v.outcome}${v.score !== null ? ':' + v.score : ''} #${v.checkId}` });
		if (!passed) return;
		if (!(await passStudyCheck(tx, check.id, now))) return;
		// crediting resumes from now: the pending period is never credited
		await resumeLeaseFrom(tx, input.personId, now);
		await insertStudyEvent(tx, { ...base, kind: 'check_passed', reason: `${check.id} face` });
	});
	return { outcome: v.outcome, score: v.score, passed, message: STUDY_MESSAGES[v.outcome] };
}

/** In-person sign-in: the alternative for a person who does not consent. */
export async function recordSignin(db: Db, actor: ScopedActor, input: { personId: number; note: string | null }, now: Date): Promise<void> {
	await withTransaction(db, async (tx) => {
		await insertSignin(tx, { person_id: input.personId, recorded_by: actor.userId, org_id: actor.orgId, at: now, note: input.note });
		await audit(tx, actor, now, 'face.signin_recorded', `person:${input.personId}`, { note: input.note });
	});
}

export const REVIEW_LABELS = { self: '本人', other: '非本人', unsure: '无法判断' } as const;
export type ReviewDecision = keyof typeof REVIEW_LABELS;

/** A reviewer's decision on a face check; the caller has checked the reviewer may see it. */
export async function reviewCheck(db: Db, actor: ScopedActor, input: { checkId: number; decision: ReviewDecision; note: string | null }, now: Date): Promise<void> {
	await withTransaction(db, async (tx) => {
		await insertReview(tx, { check_id: input.checkId, decision: input.decision, decided_by: actor.userId, at: now, note: input.note });
		await keepUnmatchedCheck(tx, input.checkId);
		await audit(tx, actor, now, 'face.reviewed', `face_check:${input.checkId}`, { decision: input.decision, note: input.note });
	});
}

/** Retention: raw snapshots older than the period are deleted unless kept for a finding or review. */
export async function purgeSnapshots(db: Db, olderThan: Date): Promise<number> {
	return clearSnapshotsBefore(db, olderThan);
}
