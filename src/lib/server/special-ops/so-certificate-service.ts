// Use cases at the end of the 特种作业 path: the institution proposes a 特种作业操作证 for an
// application whose theory and practical are both passed (the regulator then approves it with the
// existing decideCertificates); the enterprise applies for 换证 and records leave / return dates.
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { getFile } from '../files/files.repository.ts';
import { CertificateError } from '../certificates/issue-service.ts';
import { findPassedTheory } from './theory-result.query.ts';
import { proposalGaps, renewalGaps } from './certificate-rules.ts';
import {
	findFinalPractical,
	findLatestPhoto,
	findLiveCertificateOfApplication,
	findLiveRenewal,
	findOpenAbsence,
	findPersonOfOrg,
	getCertificateForRenewal,
	getPersonOrg,
	getTheoryAttemptSession,
	insertAbsence,
	insertProposedCertificate,
	insertRenewalApplication,
	listLicensedInstitutions,
	lockApplicationOfInstitution,
	lockCertificateRenewal,
	setAbsenceReturn
} from './so-certificates.repository.ts';

/**
 * Proposes the 特种作业操作证 of one accepted application. Refuses, naming the missing part, unless
 * the same application has a passed theory and a passed, final practical taken within the theory
 * pass's 12 months (换证: the earlier certificate and a passed theory). The certificate row records
 * the application, the practical attempt and the sha256 of the application's photo, which the
 * signature later covers.
 */
export async function proposeApplicationCertificate(db: Db, actor: ScopedActor, applicationId: number, now: Date): Promise<{ id: number; replaces: number | null }> {
	return withTransaction(db, async (tx) => {
		const app = await lockApplicationOfInstitution(tx, applicationId, actor.orgId);
		if (!app) throw new CertificateError('not_found', '报名记录不存在');
		if (app.status !== 'accepted') throw new CertificateError('invalid', '报名尚未受理，不能提交发证申请');
		if (app.kind === 'return_to_post') throw new CertificateError('invalid', '离岗重新上岗的实操复考不发新证');
		const live = await findLiveCertificateOfApplication(tx, applicationId);
		if (live) throw new CertificateError('invalid', live.status === 'issued' ? `该报名已发证 ${live.number ?? ''}`.trim() : '该报名已提交发证申请，待审核');
		const theory = await findPassedTheory(tx, applicationId);
		const practical = await findFinalPractical(tx, applicationId);
		const today = shanghaiDate(now);
		let replaces: number | null = null;
		if (app.kind === 'renewal') {
			const prev = app.previous_certificate_id ? await getCertificateForRenewal(tx, app.previous_certificate_id) : null;
			const gaps = renewalGaps(prev ? { status: prev.status, validUntil: prev.valid_until, type: prev.type } : null, theory, today);
			if (prev && (prev.person_id !== app.person_id || prev.special_operation_code !== app.special_operation_code)) gaps.push('原证书不属于该人员或操作项目');
			if (gaps.length) throw new CertificateError('invalid', `不能提交换证申请：${gaps.join('；')}`);
			replaces = prev!.id;
		} else {
			const gaps = proposalGaps(theory, practical ? { status: practical.status, passed: practical.passed, finalisedAt: practical.finalised_at ? new Date(practical.finalised_at) : null } : null);
			if (gaps.length) throw new CertificateError('invalid', `不能提交发证申请：${gaps.join('；')}`);
		}
		if (!app.photo_file_id) throw new CertificateError('invalid', '报名材料缺少证件照，证书须印制持证人照片');
		const photo = await getFile(tx, app.photo_file_id);
		if (!photo) throw new CertificateError('invalid', '证件照文件不存在');
		if (app.photo_sha256 && app.photo_sha256 !== photo.sha256) throw new CertificateError('invalid', '证件照与报名时登记的照片不一致');
		const person = await getPersonOrg(tx, app.person_id);
		const session = await getTheoryAttemptSession(tx, theory!.attemptId);
		const inserted = await insertProposedCertificate(tx, {
			type: 'special_work',
			person_id: app.person_id,
			holder_org_id: app.enterprise_org_id ?? person.org_id,
			special_operation_code: app.special_operation_code,
			institution_org_id: actor.orgId,
			session_id: session.session_id,
			attempt_id: theory!.attemptId,
			application_id: app.id,
			practical_attempt_id: app.kind === 'renewal' ? null : practical!.id,
			photo_sha256: photo.sha256,
			replaces_certificate_id: replaces,
			status: 'proposed',
			proposed_by: actor.userId,
			proposed_at: now,
			created_at: now
		});
		await audit(tx, actor, now, 'certificate.propose', `certificate:${inserted.id}`, {
			applicationId: app.id,
			kind: app.kind,
			theoryAttemptId: theory!.attemptId,
			practicalAttemptId: app.kind === 'renewal' ? null : practical!.id,
			photoSha256: photo.sha256,
			replaces
		});
		return { id: inserted.id, replaces };
	});
}

/**
 * The enterprise applies for 换证 of its worker's certificate (19号令: renewed, not 复审'd). The new
 * application carries the earlier certificate; the photo of the latest application is reused.
 */
export async function applyForRenewal(db: Db, actor: ScopedActor, certificateId: number, institutionOrgId: number, now: Date): Promise<{ applicationId: number }> {
	return withTransaction(db, async (tx) => {
		const cert = await getCertificateForRenewal(tx, certificateId);
		const holder = cert ? await getPersonOrg(tx, cert.person_id) : null;
		if (!cert || !holder || holder.org_id !== actor.orgId) throw new CertificateError('not_found', '证书不存在');
		if (cert.type !== 'special_work' || cert.status !== 'issued' || !cert.special_operation_code) throw new CertificateError('invalid', '只有有效的特种作业操作证可以申请换证');
		await lockCertificateRenewal(tx, certificateId);
		if (await findLiveRenewal(tx, certificateId)) throw new CertificateError('invalid', '该证书已有换证申请在办理中');
		const licensed = await listLicensedInstitutions(tx, [cert.special_operation_code], shanghaiDate(now));
		if (!licensed.some((i) => i.id === institutionOrgId)) throw new CertificateError('invalid', '所选培训考核机构没有该操作项目的有效机构资质');
		const photo = await findLatestPhoto(tx, cert.person_id, cert.special_operation_code);
		const row = await insertRenewalApplication(tx, {
			personId: cert.person_id,
			code: cert.special_operation_code,
			institutionOrgId,
			enterpriseOrgId: actor.orgId,
			previousCertificateId: cert.id,
			photoFileId: photo?.photo_file_id ?? null,
			photoSha256: photo?.photo_sha256 ?? null,
			userId: actor.userId,
			now
		});
		await audit(tx, actor, now, 'so_application.renewal', `so_application:${row.id}`, { certificateId, number: cert.number, institutionOrgId });
		return { applicationId: row.id };
	});
}

/** Records a worker's leave (open) or return (closes the open absence, or a whole past one). */
export async function recordPostAbsence(db: Db, actor: ScopedActor, input: { personId: number; leftOn: string | null; returnedOn: string | null }, now: Date): Promise<{ id: number }> {
	return withTransaction(db, async (tx) => {
		const person = await findPersonOfOrg(tx, input.personId, actor.orgId);
		if (!person) throw new CertificateError('not_found', '人员不存在');
		const today = shanghaiDate(now);
		if (input.leftOn && input.leftOn > today) throw new CertificateError('invalid', '离岗日期不能晚于今天');
		if (input.returnedOn && input.returnedOn > today) throw new CertificateError('invalid', '返岗日期不能晚于今天');
		const open = await findOpenAbsence(tx, person.id);
		let id: number;
		if (input.leftOn) {
			if (open) throw new CertificateError('invalid', `${person.name} 已有未结束的离岗记录（${open.left_on} 起），请先登记返岗`);
			if (input.returnedOn && input.returnedOn < input.leftOn) throw new CertificateError('invalid', '返岗日期不能早于离岗日期');
			id = (await insertAbsence(tx, { personId: person.id, leftOn: input.leftOn, returnedOn: input.returnedOn, userId: actor.userId, now })).id;
		} else {
			if (!input.returnedOn) throw new CertificateError('invalid', '请填写离岗日期或返岗日期');
			if (!open) throw new CertificateError('invalid', `${person.name} 没有未结束的离岗记录，请同时填写离岗日期`);
			if (input.returnedOn < open.left_on) throw new CertificateError('invalid', '返岗日期不能早于离岗日期');
			await setAbsenceReturn(tx, open.id, input.returnedOn);
			id = open.id;
		}
		await audit(tx, actor, now, 'person.post_absence', `person:${person.id}`, { absenceId: id, leftOn: input.leftOn, returnedOn: input.returnedOn });
		return { id };
	});
}
