// Use cases of issuing: the institution proposes eligible candidates of a session (training
// certificates it issues itself); the regulator whose region contains the holder's enterprise
// approves (signs) or rejects; revocation republishes the status list; 复审 extends the review date.
// Every decision is audited inside the same transaction.
import { randomBytes } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, SYSTEM_ACTOR, type Actor } from '../audit/actor.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import {
	findExamOutcome,
	findLatestStatusList,
	findPracticalOutcome,
	findRenewedCertificate,
	findSessionOwner,
	getCertificate,
	getHolderCategory,
	getOrgRegionCode,
	insertProposal,
	insertReview,
	insertStatusList,
	listRevokedStatusIndexes,
	lockOwnTrainingCertificate,
	lockSessionProposals,
	markIssued,
	markRejected,
	markRevoked,
	setReplacedCertificate,
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
import { canonicalPayload, encodeBitstring, hashIdNumber, parseSignedCertificate, signEd25519, signSm2, statusListSigningBytes, type CertificatePayload, type SignedCertificate, type SignedStatusList, type StatusList } from './signature.ts';
import { ensureIssuerKeys, PLATFORM_ISSUER_NAME } from './keys.ts';

/** Who decides about certificates: the shared actor, whose organisation (issuing institution or regulator) is known. */
export type CertificateActor = Actor & { orgId: number };
export type RegulatorActor = CertificateActor & { regionPath: string };

/** The audit entry of a certificate decision. */
function auditCertificate(db: Db, actor: CertificateActor, now: Date, action: string, certificateId: number, detail: Record<string, unknown>) {
	return audit(db, actor, now, action, `certificate:${certificateId}`, detail);
}

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
export async function proposeCertificates(db: Db, actor: CertificateActor, sessionId: number, attemptIds: number[], now: Date, config: CertificateConfig): Promise<BatchResult> {
	return withTransaction(db, async (tx) => {
		const session = await findSessionOwner(tx, sessionId);
		if (!session || session.owner_org_id !== actor.orgId) throw new CertificateError('not_found', '考试场次不存在');
		await lockSessionProposals(tx, sessionId);
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
			const certificateId = await insertProposal(tx, {
				type: kind,
				personId: row.person_id,
				holderOrgId: row.org_id,
				specialOperationCode: kind === 'special_work' ? row.special_operation_code : null,
				institutionOrgId: actor.orgId,
				sessionId,
				attemptId,
				proposedBy: actor.userId,
				now
			});
			const renewed = await findRenewedCertificate(tx, row.person_id, kind, kind === 'special_work' ? row.special_operation_code : null, certificateId);
			if (renewed) await setReplacedCertificate(tx, certificateId, renewed.id);
			await auditCertificate(tx, actor, now, 'certificate.propose', certificateId, { sessionId, attemptId, personId: row.person_id, type: kind, replaces: renewed?.number ?? null });
			if (isStatutory(kind)) {
				result.done.push({ id: certificateId, number: null, status: 'proposed' });
			} else {
				const number = await issueCertificate(tx, certificateId, actor.orgId, actor, now, config);
				result.done.push({ id: certificateId, number, status: 'issued' });
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
async function issueCertificate(tx: Db, certificateId: number, issuerOrgId: number, actor: CertificateActor, now: Date, config: CertificateConfig): Promise<string> {
	const cert = await getCertificate(tx, certificateId);
	const issuedOn = shanghaiDate(now);
	const terms = termsOnIssue(cert.type, issuedOn, config);
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
	return signAndIssue(tx, certificateId, issuerOrgId, { ...dates, nextReviewDue: null, ruleCode: 'imported' }, { ...SYSTEM_ACTOR, role: 'system', orgId: issuerOrgId }, now);
}

async function signAndIssue(
	tx: Db,
	certificateId: number,
	issuerOrgId: number,
	terms: { issuedOn: string; validUntil: string; nextReviewDue: string | null; ruleCode: string },
	actor: CertificateActor,
	now: Date
): Promise<string> {
	const cert = await getCertificate(tx, certificateId);
	const kind = cert.type;
	const issuedOn = terms.issuedOn;
	const year = Number(issuedOn.slice(0, 4));
	const region = (await getOrgRegionCode(tx, cert.holder_org_id)).slice(0, 6);
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
	await markIssued(tx, certificateId, {
		number,
		issuerOrgId,
		issuedOn,
		validUntil: terms.validUntil,
		nextReviewDue: terms.nextReviewDue,
		ruleCode: terms.ruleCode,
		decidedBy: actor.userId,
		now,
		payload,
		signature: signEd25519(keys.ed25519.privateKey, bytes),
		keyId: keys.ed25519.kid,
		sm2Signature: signSm2(keys.sm2.privateKeyHex, bytes),
		sm2KeyId: keys.sm2.kid,
		statusIndex: cert.id
	});
	await auditCertificate(tx, actor, now, 'certificate.issue', certificateId, {
		number,
		type: kind,
		issuerOrgId,
		issuedOn,
		validUntil: terms.validUntil,
		nextReviewDue: terms.nextReviewDue,
		rule: terms.ruleCode,
		kid: keys.ed25519.kid
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
	return withTransaction(db, async (tx) => {
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
			if (cert.status !== 'proposed' || !isStatutory(cert.type)) {
				result.skipped.push({ ref: id, reason: '该申请已处理' });
				continue;
			}
			if (decision === 'reject') {
				await markRejected(tx, id, actor.userId, reason!.trim().slice(0, 200), now);
				await auditCertificate(tx, actor, now, 'certificate.reject', id, { reason: reason!.trim() });
				result.done.push({ id, number: null, status: 'rejected' });
				continue;
			}
			// the exam result may have been voided since the proposal
			const attempt = cert.attempt_id ? await findExamOutcome(tx, cert.attempt_id) : null;
			if (!attempt || attempt.status !== 'finished' || attempt.passed !== true || attempt.decision === 'voided') {
				result.skipped.push({ ref: id, reason: '考试成绩已无效（未通过或被判无效），不能发证' });
				continue;
			}
			// a 特种作业 proposal also rests on its practical exam, which may have been corrected since
			if (cert.practical_attempt_id) {
				const practical = await findPracticalOutcome(tx, cert.practical_attempt_id);
				if (!practical || practical.status !== 'final' || practical.passed !== true) {
					result.skipped.push({ ref: id, reason: '实际操作考试成绩已无效（未通过或被更正），不能发证' });
					continue;
				}
			}
			// the person's category or 操作项目 may have changed since the proposal
			const holder = await getHolderCategory(tx, cert.person_id);
			const mismatch = holderMismatch(cert.type, { roleCategory: holder.role_category, specialOperationCode: holder.special_operation_code }, cert.type === 'special_work' ? cert.special_operation_code : undefined);
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
export async function revokeCertificate(db: Db, actor: CertificateActor & { regionPath?: string }, id: number, reason: string, now: Date): Promise<{ number: string }> {
	const why = reason.trim();
	if (!why || why.length > 200) throw new CertificateError('invalid', '撤销理由必填，不超过200字');
	return withTransaction(db, async (tx) => {
		let cert;
		if (actor.role === 'regulator') {
			[cert] = await lockCertificatesInRegion(tx, [id], actor.regionPath ?? '/none/');
			if (cert && !isStatutory(cert.type)) cert = undefined;
		} else {
			cert = await lockOwnTrainingCertificate(tx, id, actor.orgId);
		}
		if (!cert) throw new CertificateError('not_found', '证书不存在或无权撤销');
		if (cert.status !== 'issued') throw new CertificateError('invalid', '只有已发放的证书可以撤销');
		await markRevoked(tx, id, actor.userId, why, now);
		await auditCertificate(tx, actor, now, 'certificate.revoke', id, { number: cert.number, reason: why });
		await publishStatusList(tx, now);
		await notifyCertificateRevoked(tx, id, why, now);
		return { number: cert.number! };
	});
}

/** A 复审 passed (30号令 regime): moves next_review_due on; recorded and audited. */
export async function recordReview(db: Db, actor: RegulatorActor, id: number, reviewedOn: string, opts: { extended?: boolean; attemptId?: number | null }, now: Date) {
	return withTransaction(db, async (tx) => {
		const [cert] = await lockCertificatesInRegion(tx, [id], actor.regionPath);
		if (!cert || cert.status !== 'issued') throw new CertificateError('not_found', '证书不存在或不在本辖区');
		let outcome;
		try {
			outcome = reviewPassed({ validUntil: cert.valid_until!, nextReviewDue: cert.next_review_due }, reviewedOn, opts);
		} catch (e) {
			throw new CertificateError('invalid', (e as Error).message);
		}
		await insertReview(tx, { certificateId: id, attemptId: opts.attemptId ?? null, reviewedOn, previousDue: cert.next_review_due, nextReviewDue: outcome.nextReviewDue, ruleCode: outcome.rule.code, decidedBy: actor.userId, now });
		await auditCertificate(tx, actor, now, 'certificate.review', id, {
			reviewedOn,
			previousDue: cert.next_review_due,
			nextReviewDue: outcome.nextReviewDue,
			rule: outcome.rule.code,
			extended: !!opts.extended
		});
		return outcome;
	});
}

/** Signs and stores the current revocation bitstring (the newest row is the published one). */
export async function publishStatusList(db: Db, now: Date): Promise<SignedStatusList> {
	const revoked = await listRevokedStatusIndexes(db);
	const { bitLength, encodedList } = encodeBitstring(revoked);
	const keys = await ensureIssuerKeys(db, null, now);
	const list: StatusList = { type: 'BitstringStatusList', statusPurpose: 'revocation', issuer: PLATFORM_ISSUER_NAME, publishedAt: now.toISOString(), bitLength, encodedList, kid: keys.ed25519.kid };
	const signature = signEd25519(keys.ed25519.privateKey, statusListSigningBytes(list));
	await insertStatusList(db, { now, bitLength, encodedList, revokedCount: revoked.length, keyId: list.kid, signature });
	return { ...list, signature };
}

export async function currentStatusList(db: Db, now: Date): Promise<SignedStatusList> {
	const row = await findLatestStatusList(db);
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
	const payload: unknown = typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload;
	try {
		return parseSignedCertificate({ payload, proof: { ed25519: { kid: row.key_id, sig: row.signature }, sm2: row.sm2_signature && row.sm2_key_id ? { kid: row.sm2_key_id, sig: row.sm2_signature } : null } });
	} catch (e) {
		throw new Error(`certificates.payload 格式不符：${(e as Error).message}`, { cause: e });
	}
}
