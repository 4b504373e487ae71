// Use cases of issuing: the institution proposes eligible candidates of a session (training
// certificates it issues itself); the regulator whose region contains the holder's enterprise
// approves (signs) or rejects; revocation republishes the status list; 复审 extends the review date.
// Every decision is audited inside the same transaction.
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { appendAudit } from '../audit/audit.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import {
	findRenewedCertificate,
	getHolderCategory,
	getOperationName,
	getOrgName,
	getPersonForPayload,
	listPassedCandidates,
	lockCertificatesInRegion,
	nextSequence,
	type CandidateRow
} from './certificates.repository.ts';
import { formatCertificateNumber } from './number.ts';
import { notifyCertificateIssued, notifyCertificateRevoked } from '../notifications/producers.ts';
import {
	CERTIFICATE_KIND_LABELS,
	certificateKindForBlueprint,
	holderMismatch,
	isStatutory,
	reviewPassed,
	termsOnIssue,
	type CertificateConfig,
	type CertificateKind
} from './rules.ts';
import { canonicalPayload, encodeBitstring, hashIdNumber, signEd25519, signSm2, statusListSigningBytes, type CertificatePayload, type SignedCertificate, type SignedStatusList, type StatusList } from './signature.ts';
import { ensureIssuerKeys, PLATFORM_ISSUER_NAME } from './keys.ts';

/** Joins the caller's transaction (e.g. the seed's) or opens one. */
function inTransaction<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
	return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

export type Actor = { userId: number | null; role: string; orgId: number; ip?: string | null };
export type RegulatorActor = Actor & { regionPath: string };

export type Eligibility = { eligible: true; kind: CertificateKind } | { eligible: false; kind: CertificateKind | null; reason: string };

/** Pure: may this passed candidate get a certificate now? */
export function eligibilityOf(row: CandidateRow): Eligibility {
	const kind = certificateKindForBlueprint(row.blueprint_type);
	if (!kind) return { eligible: false, kind: null, reason: '该场次的考试不发证' };
	if (row.cert_id) return { eligible: false, kind, reason: row.cert_status === 'issued' ? `已发证 ${row.cert_number ?? ''}`.trim() : '已提交发证申请，待审核' };
	const mismatch = holderMismatch(kind, { roleCategory: row.role_category, specialOperationCode: row.special_operation_code });
	if (mismatch) return { eligible: false, kind, reason: mismatch };
	if (row.course_id !== null && !row.study_completed_at) return { eligible: false, kind, reason: '培训学时未完成' };
	return { eligible: true, kind };
}

export type CandidateView = CandidateRow & { eligibility: Eligibility };

export async function listSessionCandidates(db: Db, sessionId: number): Promise<CandidateView[]> {
	return (await listPassedCandidates(db, sessionId)).map((r) => ({ ...r, eligibility: eligibilityOf(r) }));
}

export type BatchResult = { done: { id: number; number: string | null; status: string }[]; skipped: { ref: number; reason: string }[] };

/**
 * The institution puts forward the chosen passed candidates of its own session. Statutory types
 * become proposals for the regulator; 培训合格证明 are issued (signed by the institution) at once.
 */
export async function proposeCertificates(db: Db, actor: Actor, sessionId: number, attemptIds: number[], now: Date, config: CertificateConfig): Promise<BatchResult> {
	return inTransaction(db, async (tx) => {
		const session = await tx.selectFrom('exam_sessions').select(['id', 'owner_org_id']).where('id', '=', sessionId).executeTakeFirst();
		if (!session || session.owner_org_id !== actor.orgId) throw new CertificateError('not_found', '考试场次不存在');
		// one proposer per session at a time: two clicks cannot both propose the same attempt
		await sql`select pg_advisory_xact_lock(7320414, ${sessionId})`.execute(tx);
		const rows = new Map((await listSessionCandidates(tx, sessionId)).map((r) => [r.attempt_id, r]));
		const result: BatchResult = { done: [], skipped: [] };
		for (const attemptId of [...new Set(attemptIds)]) {
			const row = rows.get(attemptId);
			if (!row) {
				result.skipped.push({ ref: attemptId, reason: '不是本场次考试合格的考生' });
				continue;
			}
			if (!row.eligibility.eligible) {
				result.skipped.push({ ref: attemptId, reason: `${row.person_name}：${row.eligibility.reason}` });
				continue;
			}
			const kind = row.eligibility.kind;
			const inserted = await tx
				.insertInto('certificates')
				.values({
					type: kind,
					person_id: row.person_id,
					holder_org_id: row.org_id,
					special_operation_code: kind === 'special_work' ? row.special_operation_code : null,
					institution_org_id: actor.orgId,
					session_id: sessionId,
					attempt_id: attemptId,
					status: 'proposed',
					proposed_by: actor.userId,
					proposed_at: now,
					created_at: now
				})
				.returning('id')
				.executeTakeFirstOrThrow();
			const renewed = await findRenewedCertificate(tx, row.person_id, kind, kind === 'special_work' ? row.special_operation_code : null, inserted.id);
			if (renewed) await tx.updateTable('certificates').set({ replaces_certificate_id: renewed.id }).where('id', '=', inserted.id).execute();
			await appendAudit(tx, {
				at: now,
				actorUserId: actor.userId,
				actorRole: actor.role,
				action: 'certificate.propose',
				target: `certificate:${inserted.id}`,
				detail: { sessionId, attemptId, personId: row.person_id, type: kind, replaces: renewed?.number ?? null },
				ip: actor.ip ?? null
			});
			if (isStatutory(kind)) {
				result.done.push({ id: inserted.id, number: null, status: 'proposed' });
			} else {
				const number = await issueCertificate(tx, inserted.id, actor.orgId, actor, now, config);
				result.done.push({ id: inserted.id, number, status: 'issued' });
			}
		}
		return result;
	});
}

export class CertificateError extends Error {
	constructor(
		readonly code: 'not_found' | 'invalid',
		message: string
	) {
		super(message);
	}
}

/** Numbers, signs and issues one locked, proposed certificate. Returns its number. */
async function issueCertificate(tx: Db, certificateId: number, issuerOrgId: number, actor: Actor, now: Date, config: CertificateConfig): Promise<string> {
	const cert = await tx.selectFrom('certificates').select('type').where('id', '=', certificateId).executeTakeFirstOrThrow();
	const issuedOn = shanghaiDate(now);
	const terms = termsOnIssue(cert.type as CertificateKind, issuedOn, config);
	const number = await signAndIssue(tx, certificateId, issuerOrgId, { issuedOn, validUntil: terms.validUntil, nextReviewDue: terms.nextReviewDue, ruleCode: terms.rule.code }, actor, now);
	await notifyCertificateIssued(tx, certificateId, now);
	return number;
}

/**
 * Registers a certificate issued before the platform existed (a migration of the issuer's
 * register, or demo history): the row, with its original dates, is numbered and signed now by the
 * issuer's key like any other, so it can be verified online and offline.
 */
export async function issueImportedCertificate(tx: Db, certificateId: number, issuerOrgId: number, dates: { issuedOn: string; validUntil: string }, now: Date): Promise<string> {
	return signAndIssue(tx, certificateId, issuerOrgId, { ...dates, nextReviewDue: null, ruleCode: 'imported' }, { userId: null, role: 'system', orgId: issuerOrgId }, now);
}

async function signAndIssue(
	tx: Db,
	certificateId: number,
	issuerOrgId: number,
	terms: { issuedOn: string; validUntil: string; nextReviewDue: string | null; ruleCode: string },
	actor: Actor,
	now: Date
): Promise<string> {
	const cert = await tx.selectFrom('certificates').selectAll().where('id', '=', certificateId).executeTakeFirstOrThrow();
	const kind = cert.type as CertificateKind;
	const issuedOn = terms.issuedOn;
	const holderOrg = await tx.selectFrom('organisations').select('region_code').where('id', '=', cert.holder_org_id).executeTakeFirstOrThrow();
	const year = Number(issuedOn.slice(0, 4));
	const region = holderOrg.region_code.slice(0, 6);
	// a sequence whose check symbol would be '*' is skipped (1 in 37): printed numbers stay alphanumeric
	let number = '';
	do number = formatCertificateNumber({ kind, year, regionCode: region, sequence: await nextSequence(tx, kind, year, region) });
	while (number.endsWith('*'));
	const person = await getPersonForPayload(tx, cert.person_id);
	const keys = await ensureIssuerKeys(tx, issuerOrgId, now);
	const salt = randomBytes(16).toString('hex');
	const payload: CertificatePayload = {
		v: 1,
		number,
		type: kind,
		typeName: CERTIFICATE_KIND_LABELS[kind],
		holderName: person.name,
		idNumberMasked: maskIdNumber(person.id_number),
		idNumberHash: hashIdNumber(salt, person.id_number),
		idNumberSalt: salt,
		operationCode: cert.special_operation_code,
		operationName: await getOperationName(tx, cert.special_operation_code),
		issuer: { id: issuerOrgId, name: await getOrgName(tx, issuerOrgId) },
		issuedOn,
		validUntil: terms.validUntil,
		kid: keys.ed25519.kid,
		statusIndex: cert.id,
		// the photo printed on the certificate: a swapped photo no longer matches the signed hash
		...(cert.photo_sha256 ? { photoSha256: cert.photo_sha256 } : {})
	};
	const bytes = canonicalPayload(payload);
	await tx
		.updateTable('certificates')
		.set({
			number,
			status: 'issued',
			issuer_org_id: issuerOrgId,
			issued_on: issuedOn,
			valid_until: terms.validUntil,
			next_review_due: terms.nextReviewDue,
			rule_code: terms.ruleCode,
			decided_by: actor.userId,
			decided_at: now,
			payload: JSON.stringify(payload),
			signature: signEd25519(keys.ed25519.privateKey, bytes),
			key_id: keys.ed25519.kid,
			sm2_signature: signSm2(keys.sm2.privateKeyHex, bytes),
			sm2_key_id: keys.sm2.kid,
			status_index: cert.id
		})
		.where('id', '=', certificateId)
		.execute();
	await appendAudit(tx, {
		at: now,
		actorUserId: actor.userId,
		actorRole: actor.role,
		action: 'certificate.issue',
		target: `certificate:${certificateId}`,
		detail: { number, type: kind, issuerOrgId, issuedOn, validUntil: terms.validUntil, nextReviewDue: terms.nextReviewDue, rule: terms.ruleCode, kid: keys.ed25519.kid },
		ip: actor.ip ?? null
	});
	return number;
}

/**
 * The regulator approves (issues, signed with its own key) or rejects proposals. Only certificates
 * whose holder enterprise lies in the regulator's region are touched; others are reported as not found.
 */
export async function decideCertificates(
	db: Db,
	actor: RegulatorActor,
	ids: number[],
	decision: 'approve' | 'reject',
	reason: string | null,
	now: Date,
	config: CertificateConfig
): Promise<BatchResult> {
	if (decision === 'reject' && !reason?.trim()) throw new CertificateError('invalid', '驳回须填写理由');
	return inTransaction(db, async (tx) => {
		const unique = [...new Set(ids)];
		const locked = await lockCertificatesInRegion(tx, unique, actor.regionPath);
		const byId = new Map(locked.map((c) => [c.id, c]));
		const result: BatchResult = { done: [], skipped: [] };
		for (const id of unique) {
			const cert = byId.get(id);
			if (!cert) {
				result.skipped.push({ ref: id, reason: '证书申请不存在或不在本辖区' });
				continue;
			}
			if (cert.status !== 'proposed' || !isStatutory(cert.type as CertificateKind)) {
				result.skipped.push({ ref: id, reason: '该申请已处理' });
				continue;
			}
			if (decision === 'reject') {
				await tx.updateTable('certificates').set({ status: 'rejected', decided_by: actor.userId, decided_at: now, reject_reason: reason!.trim().slice(0, 200) }).where('id', '=', id).execute();
				await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'certificate.reject', target: `certificate:${id}`, detail: { reason: reason!.trim() }, ip: actor.ip ?? null });
				result.done.push({ id, number: null, status: 'rejected' });
				continue;
			}
			// the exam result may have been voided since the proposal
			const attempt = cert.attempt_id
				? await tx.selectFrom('exam_attempts').select(['passed', 'status', 'decision']).where('id', '=', cert.attempt_id).executeTakeFirst()
				: null;
			if (!attempt || attempt.status !== 'finished' || attempt.passed !== true || attempt.decision === 'voided') {
				result.skipped.push({ ref: id, reason: '考试成绩已无效（未通过或被判无效），不能发证' });
				continue;
			}
			// a 特种作业 proposal also rests on its practical exam, which may have been corrected since
			if (cert.practical_attempt_id) {
				const practical = await tx.selectFrom('practical_attempts').select(['passed', 'status']).where('id', '=', cert.practical_attempt_id).executeTakeFirst();
				if (!practical || practical.status !== 'final' || practical.passed !== true) {
					result.skipped.push({ ref: id, reason: '实际操作考试成绩已无效（未通过或被更正），不能发证' });
					continue;
				}
			}
			// the person's category or 操作项目 may have changed since the proposal
			const holder = await getHolderCategory(tx, cert.person_id);
			const mismatch = holderMismatch(cert.type as CertificateKind, { roleCategory: holder.role_category, specialOperationCode: holder.special_operation_code }, cert.type === 'special_work' ? cert.special_operation_code : undefined);
			if (mismatch) {
				result.skipped.push({ ref: id, reason: `${holder.name}：${mismatch}，不能发证` });
				continue;
			}
			const number = await issueCertificate(tx, id, actor.orgId, actor, now, config);
			result.done.push({ id, number, status: 'issued' });
		}
		return result;
	});
}

/**
 * Revokes an issued certificate and republishes the status list. Statutory certificates: a regulator
 * whose region contains the holder enterprise; 培训合格证明: the issuing institution.
 */
export async function revokeCertificate(db: Db, actor: Actor & { regionPath?: string }, id: number, reason: string, now: Date): Promise<{ number: string }> {
	const why = reason.trim();
	if (!why || why.length > 200) throw new CertificateError('invalid', '撤销理由必填，不超过200字');
	return inTransaction(db, async (tx) => {
		let cert;
		if (actor.role === 'regulator') {
			[cert] = await lockCertificatesInRegion(tx, [id], actor.regionPath ?? '/none/');
			if (cert && !isStatutory(cert.type as CertificateKind)) cert = undefined;
		} else {
			cert = await tx.selectFrom('certificates').selectAll().where('id', '=', id).where('issuer_org_id', '=', actor.orgId).where('type', '=', 'training').forUpdate().executeTakeFirst();
		}
		if (!cert) throw new CertificateError('not_found', '证书不存在或无权撤销');
		if (cert.status !== 'issued') throw new CertificateError('invalid', '只有已发放的证书可以撤销');
		await tx.updateTable('certificates').set({ status: 'revoked', revoked_at: now, revoke_reason: why, revoked_by: actor.userId }).where('id', '=', id).execute();
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'certificate.revoke', target: `certificate:${id}`, detail: { number: cert.number, reason: why }, ip: actor.ip ?? null });
		await publishStatusList(tx, now);
		await notifyCertificateRevoked(tx, id, why, now);
		return { number: cert.number! };
	});
}

/** A 复审 passed (30号令 regime): moves next_review_due on; recorded and audited. */
export async function recordReview(db: Db, actor: RegulatorActor, id: number, reviewedOn: string, opts: { extended?: boolean; attemptId?: number | null }, now: Date) {
	return inTransaction(db, async (tx) => {
		const [cert] = await lockCertificatesInRegion(tx, [id], actor.regionPath);
		if (!cert || cert.status !== 'issued') throw new CertificateError('not_found', '证书不存在或不在本辖区');
		let outcome;
		try {
			outcome = reviewPassed({ validUntil: cert.valid_until!, nextReviewDue: cert.next_review_due }, reviewedOn, opts);
		} catch (e) {
			throw new CertificateError('invalid', (e as Error).message);
		}
		await tx.updateTable('certificates').set({ next_review_due: outcome.nextReviewDue }).where('id', '=', id).execute();
		await tx
			.insertInto('certificate_reviews')
			.values({ certificate_id: id, attempt_id: opts.attemptId ?? null, reviewed_on: reviewedOn, previous_due: cert.next_review_due, next_review_due: outcome.nextReviewDue, rule_code: outcome.rule.code, decided_by: actor.userId, created_at: now })
			.execute();
		await appendAudit(tx, { at: now, actorUserId: actor.userId, actorRole: actor.role, action: 'certificate.review', target: `certificate:${id}`, detail: { reviewedOn, previousDue: cert.next_review_due, nextReviewDue: outcome.nextReviewDue, rule: outcome.rule.code, extended: !!opts.extended }, ip: actor.ip ?? null });
		return outcome;
	});
}

/** Signs and stores the current revocation bitstring (the newest row is the published one). */
export async function publishStatusList(db: Db, now: Date): Promise<SignedStatusList> {
	const revoked = await db.selectFrom('certificates').select('status_index').where('status', '=', 'revoked').where('status_index', 'is not', null).execute();
	const { bitLength, encodedList } = encodeBitstring(revoked.map((r) => r.status_index!));
	const keys = await ensureIssuerKeys(db, null, now);
	const list: StatusList = { type: 'BitstringStatusList', statusPurpose: 'revocation', issuer: PLATFORM_ISSUER_NAME, publishedAt: now.toISOString(), bitLength, encodedList, kid: keys.ed25519.kid };
	const signature = signEd25519(keys.ed25519.privateKey, statusListSigningBytes(list));
	await db.insertInto('certificate_status_lists').values({ published_at: now, bit_length: bitLength, encoded_list: encodedList, revoked_count: revoked.length, key_id: list.kid, signature }).execute();
	return { ...list, signature };
}

export async function currentStatusList(db: Db, now: Date): Promise<SignedStatusList> {
	const row = await db.selectFrom('certificate_status_lists').selectAll().orderBy('id', 'desc').limit(1).executeTakeFirst();
	if (!row) return publishStatusList(db, now);
	return {
		type: 'BitstringStatusList',
		statusPurpose: 'revocation',
		issuer: PLATFORM_ISSUER_NAME,
		publishedAt: new Date(row.published_at).toISOString(),
		bitLength: row.bit_length,
		encodedList: row.encoded_list,
		kid: row.key_id,
		signature: row.signature
	};
}

type SignedRow = { payload: unknown; signature: string | null; key_id: string | null; sm2_signature: string | null; sm2_key_id: string | null };

export function signedFromRow(row: SignedRow): SignedCertificate | null {
	if (!row.payload || !row.signature || !row.key_id) return null;
	const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as CertificatePayload;
	return { payload, proof: { ed25519: { kid: row.key_id, sig: row.signature }, sm2: row.sm2_signature && row.sm2_key_id ? { kid: row.sm2_key_id, sig: row.sm2_signature } : null } };
}
