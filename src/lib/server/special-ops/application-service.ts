import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type Actor } from '../audit/actor.ts';
import { saveFile } from '../files/files.repository.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { checkAge, checkEligibility, describeRefusals, HEALTH_DECLARATION, type Education, type Exemption } from './eligibility.ts';
import { checkDocumentImage, checkPhoto } from './photo.ts';
import {
	findApplication,
	findInstitution,
	findLiveApplications,
	findOperation,
	findPerson,
	findPersonsInOrg,
	findScopeOn,
	insertApplications,
	lockApplication,
	setReview,
	updateApplication,
	type ApplicationRow,
	type MaterialsUpdate
} from './applications.repository.ts';

// 报名 and 资格审查 use cases. An enterprise applies for several workers at once (drafts), attaches
// each one's materials and submits; a person may apply alone. The institution must hold a 机构资质 for
// the item on the day; the eligibility rules (eligibility.ts) are judged on submission and stored
// with the application for the reviewer. Every change is audited.

export type Result<T = object> = ({ ok: true } & T) | { ok: false; notFound?: true; errors: Record<string, string> };

const NOT_FOUND = { form: '没有这份报名' };

/** The actor's organisation: the enterprise and institution use cases are only reached through a guarded scope. */
function orgOf(actor: Actor): number {
	if (actor.orgId === null) throw new Error('this use case needs an actor with an organisation');
	return actor.orgId;
}

async function requireLicence(db: Db, institutionOrgId: number, code: string, date: string): Promise<string | null> {
	const institution = await findInstitution(db, institutionOrgId);
	if (!institution) return '没有这家培训机构';
	const scope = await findScopeOn(db, institutionOrgId, code, date);
	if (!scope) {
		const op = await findOperation(db, code);
		return `${institution.name}在 ${date} 没有“${op?.item ?? code}”的机构资质（特种作业培训范围），不能受理该操作项目的报名`;
	}
	return null;
}

export type BatchInput = { code: string; institutionOrgId: number; personIds: number[] };

/** Creates one draft per chosen worker, all or none. Age is checked now; the rest on submission. */
export async function batchApply(db: Db, actor: Actor, input: BatchInput, now: Date): Promise<Result<{ ids: number[] }>> {
	const today = shanghaiDate(now);
	const ids = [...new Set(input.personIds)];
	if (ids.length === 0) return { ok: false, errors: { persons: '请至少勾选一名员工' } };
	if (ids.length > 200) return { ok: false, errors: { persons: '一次最多为 200 名员工报名' } };
	const op = await findOperation(db, input.code);
	if (!op) return { ok: false, errors: { code: '请选择目录中的操作项目' } };
	const licence = await requireLicence(db, input.institutionOrgId, input.code, today);
	if (licence) return { ok: false, errors: { institution: licence } };

	const orgId = orgOf(actor);
	return withTransaction(db, async (tx) => {
		const persons = await findPersonsInOrg(tx, orgId, ids);
		if (persons.length !== ids.length) return { ok: false as const, errors: { persons: `所选员工中有 ${ids.length - persons.length} 人不在本单位在职名单中，请刷新页面后重新选择` } };
		const rowErrors: string[] = [];
		for (const p of persons) {
			const refused = checkAge(p.id_number, today).filter((f) => !f.ok);
			if (refused.length) rowErrors.push(`${p.name}：${refused.map((f) => `${f.message}（依据：${f.cite}）`).join('；')}`);
		}
		const live = await findLiveApplications(tx, ids, input.code);
		for (const l of live) rowErrors.push(`${persons.find((p) => p.id === l.person_id)?.name ?? l.person_id}：已有一份${op.item}的报名（编号 ${l.id}）尚未结束`);
		if (rowErrors.length) return { ok: false as const, errors: { persons: rowErrors.join('\n') } };
		const created = await insertApplications(
			tx,
			persons.map((p) => ({
				person_id: p.id,
				special_operation_code: op.code,
				institution_org_id: input.institutionOrgId,
				enterprise_org_id: orgId,
				channel: 'enterprise' as const,
				status: 'draft' as const,
				submitted_by: actor.userId,
				submitted_at: now,
				updated_at: now
			}))
		);
		await audit(tx, actor, now, 'so_application.batch_create', `org:${orgId}`, { code: op.code, institution: input.institutionOrgId, applications: created, persons: persons.map((p) => p.id) });
		return { ok: true as const, ids: created };
	}).catch((e: unknown) => {
		if (isUniqueViolation(e)) return { ok: false as const, errors: { persons: '所选员工中有人刚刚已报名该操作项目，请刷新页面' } };
		throw e;
	});
}

export type UploadedFile = { name: string; bytes: Uint8Array };
export type MaterialsInput = {
	education: Education | null;
	healthDeclared: boolean;
	exemption: Exemption;
	photo: UploadedFile | null;
	idFront: UploadedFile | null;
	idBack: UploadedFile | null;
	evidence: UploadedFile | null;
	submit: boolean;
};

/** May this actor edit the application's materials? Enterprise: its own worker's; learner: own. */
function canEdit(actor: Actor, app: ApplicationRow): boolean {
	if (actor.role === 'enterprise_admin') return app.enterprise_org_id === actor.orgId;
	if (actor.role === 'learner') return actor.personId !== null && app.person_id === actor.personId;
	return false;
}

export async function findApplicationForEditor(db: Db, actor: Actor, id: number): Promise<ApplicationRow | undefined> {
	const app = await findApplication(db, id);
	return app && canEdit(actor, app) ? app : undefined;
}

/**
 * Saves materials (files checked before anything is stored) and, when asked, submits: the rules are
 * judged on today's date and a failing rule refuses the submission naming it. All or nothing.
 */
export async function saveMaterials(db: Db, actor: Actor, id: number, input: MaterialsInput, now: Date): Promise<Result<{ submitted: boolean }>> {
	const app = await findApplicationForEditor(db, actor, id);
	if (!app) return { ok: false, notFound: true, errors: NOT_FOUND };
	if (app.status !== 'draft' && app.status !== 'returned') return { ok: false, errors: { form: '这份报名已提交，机构审查期间不能修改；如被退回补正，可修改后重新提交' } };

	const errors: Record<string, string> = {};
	const checked: { field: 'photo' | 'idFront' | 'idBack' | 'evidence'; mime: string; file: UploadedFile }[] = [];
	if (input.photo) {
		const c = checkPhoto(input.photo.bytes);
		if (c.ok) checked.push({ field: 'photo', mime: c.mime, file: input.photo });
		else errors.photo = c.message;
	}
	for (const [field, label] of [['idFront', '身份证人像面'], ['idBack', '身份证国徽面']] as const) {
		const f = input[field];
		if (!f) continue;
		const c = checkDocumentImage(f.bytes, label);
		if (c.ok) checked.push({ field, mime: c.mime, file: f });
		else errors[field] = c.message;
	}
	if (input.evidence) {
		const c = checkDocumentImage(input.evidence.bytes, '免培训证明材料', true);
		if (c.ok) checked.push({ field: 'evidence', mime: c.mime, file: input.evidence });
		else errors.evidence = c.message;
	}
	if (Object.keys(errors).length) return { ok: false, errors };

	const today = shanghaiDate(now);
	// Joins the caller's transaction (an individual application is created and submitted in one).
	return withTransaction(db, async (tx) => {
		const locked = await lockApplication(tx, id);
		if (!locked || (locked.status !== 'draft' && locked.status !== 'returned')) return { ok: false as const, errors: { form: '这份报名刚刚已提交或已审查，请刷新页面' } };
		const values: MaterialsUpdate = {
			education: input.education,
			health_declared_at: input.healthDeclared ? (app.health_declared_at ?? now) : null,
			health_declaration_version: input.healthDeclared ? HEALTH_DECLARATION.version : null,
			exemption: input.exemption,
			updated_at: now
		};
		const stored: Record<string, number> = {};
		for (const c of checked) {
			// Owned by the institution: its reviewers and examiners read it through the file store.
			const file = await saveFile(tx, { ownerOrgId: app.institution_org_id, name: `so-${id}-${c.field}-${c.file.name}`.slice(0, 200), mime: c.mime, data: c.file.bytes, createdBy: actor.userId, now });
			stored[c.field] = file.id;
			if (c.field === 'photo') {
				values.photo_file_id = file.id;
				values.photo_sha256 = file.sha256;
			} else if (c.field === 'idFront') values.id_front_file_id = file.id;
			else if (c.field === 'idBack') values.id_back_file_id = file.id;
			else values.exemption_evidence_file_id = file.id;
		}
		if (input.exemption === 'none') values.exemption_evidence_file_id = null;

		if (input.submit) {
			const missing: Record<string, string> = {};
			if (!(values.photo_file_id ?? app.photo_file_id)) missing.photo = '请上传证件照';
			if (!(values.id_front_file_id ?? app.id_front_file_id)) missing.idFront = '请上传身份证人像面';
			if (!(values.id_back_file_id ?? app.id_back_file_id)) missing.idBack = '请上传身份证国徽面';
			if (Object.keys(missing).length) return { ok: false as const, errors: missing };
			const licence = await requireLicence(tx, app.institution_org_id, app.special_operation_code, today);
			if (licence) return { ok: false as const, errors: { form: licence } };
			const verdict = checkEligibility({
				on: today,
				idNumber: app.id_number,
				category: app.category,
				education: input.education,
				healthDeclared: input.healthDeclared,
				exemption: input.exemption,
				hasExemptionEvidence: input.exemption === 'none' || Boolean(values.exemption_evidence_file_id ?? app.exemption_evidence_file_id)
			});
			if (!verdict.ok) return { ok: false as const, errors: { eligibility: describeRefusals(verdict).join('\n') } };
			values.status = 'submitted';
			values.eligibility = JSON.stringify(verdict);
			values.submitted_at = now;
			values.submitted_by = actor.userId;
			// A resubmission starts a new review; the earlier reason stays in the audit log.
			values.review_reason = null;
			values.reviewed_by = null;
			values.reviewed_at = null;
		}
		await updateApplication(tx, id, values);
		await audit(tx, actor, now, input.submit ? (app.status === 'returned' ? 'so_application.resubmit' : 'so_application.submit') : 'so_application.materials', `so_application:${id}`, { files: stored, education: input.education, exemption: input.exemption, healthDeclared: input.healthDeclared });
		return { ok: true as const, submitted: input.submit };
	});
}

export type IndividualInput = Omit<MaterialsInput, 'submit'> & { code: string; institutionOrgId: number };

/** A person applies alone: the application and its materials are created and submitted together. */
export async function applyAsIndividual(db: Db, actor: Actor, input: IndividualInput, now: Date): Promise<Result<{ id: number }>> {
	if (actor.personId === null) return { ok: false, errors: { form: '您的账号没有关联人员档案，请联系所在单位或培训机构' } };
	const person = await findPerson(db, actor.personId);
	if (!person) return { ok: false, errors: { form: '您的账号没有关联人员档案' } };
	const op = await findOperation(db, input.code);
	if (!op) return { ok: false, errors: { code: '请选择目录中的操作项目' } };
	const today = shanghaiDate(now);
	const licence = await requireLicence(db, input.institutionOrgId, input.code, today);
	if (licence) return { ok: false, errors: { institution: licence } };
	if ((await findLiveApplications(db, [person.id], op.code)).length) return { ok: false, errors: { code: `您已有一份${op.item}的报名尚未结束` } };
	try {
		return await withTransaction(db, async (tx) => {
			const [id] = await insertApplications(tx, [
				{ person_id: person.id, special_operation_code: op.code, institution_org_id: input.institutionOrgId, enterprise_org_id: null, channel: 'individual', status: 'draft', submitted_by: actor.userId, submitted_at: now, updated_at: now }
			]);
			await audit(tx, actor, now, 'so_application.create', `so_application:${id}`, { code: op.code, institution: input.institutionOrgId, channel: 'individual' });
			const saved = await saveMaterials(tx, actor, id!, { ...input, submit: true }, now);
			// Roll back the draft too: an individual application exists only once submitted.
			if (!saved.ok) throw new Refused(saved.errors);
			return { ok: true as const, id: id! };
		});
	} catch (e) {
		if (e instanceof Refused) return { ok: false, errors: e.errors };
		if (isUniqueViolation(e)) return { ok: false, errors: { code: `您已有一份${op.item}的报名尚未结束` } };
		throw e;
	}
}

class Refused extends Error {
	constructor(readonly errors: Record<string, string>) {
		super('refused');
	}
}

export type Decision = 'accept' | 'return' | 'refuse';
const DECISION_STATUS = { accept: 'accepted', return: 'returned', refuse: 'refused' } as const;
const DECISION_LABEL = { accept: '受理', return: '退回补正', refuse: '不予受理' } as const;

/** 资格审查 by the institution that was applied to: only a submitted application; reasons where required. */
export async function reviewApplication(db: Db, actor: Actor, id: number, input: { decision: Decision; reason: string }, now: Date): Promise<Result> {
	const reason = input.reason.trim();
	if (input.decision !== 'accept' && reason.length < 2) return { ok: false, errors: { reason: `${DECISION_LABEL[input.decision]}须填写理由（至少 2 个字），申请人会看到` } };
	if (reason.length > 300) return { ok: false, errors: { reason: '理由最多 300 字' } };
	const app = await findApplication(db, id);
	if (!app || app.institution_org_id !== actor.orgId) return { ok: false, notFound: true, errors: NOT_FOUND };
	const today = shanghaiDate(now);
	if (input.decision === 'accept') {
		const licence = await requireLicence(db, app.institution_org_id, app.special_operation_code, today);
		if (licence) return { ok: false, errors: { form: licence } };
		if (!app.photo_file_id || !app.id_front_file_id || !app.id_back_file_id) return { ok: false, errors: { form: '材料不全（证件照或身份证图片缺失），不能受理，请退回补正' } };
		// Age again on the day of acceptance: a worker may have passed the retirement age since submitting.
		const age = checkAge(app.id_number, today).filter((f) => !f.ok);
		if (age.length) return { ok: false, errors: { form: age.map((f) => `${f.message}（依据：${f.cite}）`).join('；') } };
	}
	return withTransaction(db, async (tx) => {
		const locked = await lockApplication(tx, id);
		if (!locked || locked.status !== 'submitted') return { ok: false as const, errors: { form: '这份报名不在待审查状态（可能刚被其他人审查或申请人撤回），请刷新页面' } };
		await setReview(tx, id, { status: DECISION_STATUS[input.decision], review_reason: reason || null, reviewed_by: actor.userId, reviewed_at: now });
		await audit(tx, actor, now, `so_application.${input.decision}`, `so_application:${id}`, { reason: reason || null, person: app.person_id, code: app.special_operation_code });
		return { ok: true as const };
	});
}
