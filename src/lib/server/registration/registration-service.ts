import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { appendAudit } from '../audit/audit.ts';
import { audit, type RegionalActor } from '../audit/actor.ts';
import { hashPassword } from '../auth/password.ts';
import { enqueueOutbound, notify } from '../notifications/notify.ts';
import { recentAuditTimes } from '../people/activation.repository.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import type { RegistrationInput } from '../../schemas/registration.ts';
import {
	confirmationSms,
	contactAuthority,
	duplicateOrganisationMessage,
	duplicatePendingMessage,
	generateOneTimePassword,
	refusalSms,
	REGISTRATION_IP_LIMIT,
	REGISTRATION_STATUS_FAILED,
	REGISTRATION_SUBMIT,
	REGISTRATION_WINDOW_MS,
	STATUS_LOOKUP_IP_LIMIT
} from './registration.ts';
import * as repo from './registration.repository.ts';

// 实名注册 use cases. The reviewer's scope is a region path (regulator) or null (platform admin);
// an application outside it behaves as if it did not exist.

/** The regulator (its region) or platform admin (regionPath null: everywhere) deciding an application. */
export type Reviewer = RegionalActor;

export type SubmitResult = { ok: true; id: number } | { ok: false; status: 400 | 409 | 429; field: string; message: string };

function isUniqueViolation(e: unknown): boolean {
	return typeof e === 'object' && e !== null && (e as { code?: unknown }).code === '23505';
}

async function throttled(db: Db, action: string, ip: string, limit: number, now: Date): Promise<boolean> {
	const since = new Date(now.getTime() - REGISTRATION_WINDOW_MS);
	return (await recentAuditTimes(db, { action, ip, since, limit })).length >= limit;
}

/** Whom the applicant should contact about an application in this region. */
async function authorityFor(db: Db, regionPath: string, districtName: string): Promise<string> {
	return contactAuthority(await repo.findRegulatorFor(db, regionPath), districtName);
}

export async function submitRegistration(db: Db, input: RegistrationInput & { ip: string; now: Date }): Promise<SubmitResult> {
	const { ip, now } = input;
	// Every submission counts, accepted or not, so the form cannot be used to probe credit codes.
	if (await throttled(db, REGISTRATION_SUBMIT, ip, REGISTRATION_IP_LIMIT, now)) {
		return { ok: false, status: 429, field: 'form', message: '本网络提交的注册申请过多，请一小时后再试' };
	}
	const district = await repo.findRegion(db, input.district);
	if (!district || (district.level !== 'district' && district.level !== 'functional')) return { ok: false, status: 400, field: 'district', message: '请选择企业所在的区县' };
	let region = district;
	if (input.town !== null) {
		const town = await repo.findRegion(db, input.town);
		if (!town || town.level !== 'town' || town.parent_code !== district.code) return { ok: false, status: 400, field: 'town', message: `所选乡镇（街道）不属于${district.name}，请重新选择` };
		region = town;
	} else if (await repo.districtHasTowns(db, district.code)) {
		return { ok: false, status: 400, field: 'town', message: '请选择企业所在的乡镇（街道）' };
	}
	if (!(await repo.findIndustry(db, input.industry))) return { ok: false, status: 400, field: 'industry', message: '请选择行业' };

	const authority = await authorityFor(db, region.path, district.name);
	const audit = (outcome: string, target: string | null) =>
		appendAudit(db, { at: now, actorUserId: null, action: REGISTRATION_SUBMIT, target, ip, detail: { outcome, creditCode: input.creditCode, regionCode: region.code } });
	if (await repo.findOrganisationByCreditCode(db, input.creditCode)) {
		await audit('duplicate_organisation', null);
		return { ok: false, status: 409, field: 'creditCode', message: duplicateOrganisationMessage(authority) };
	}
	let id: number | null = null;
	try {
		id = await withTransaction(db, async (tx) => {
			if (await repo.findPendingApplicationByCreditCode(tx, input.creditCode)) return null;
			const newId = await repo.insertApplication(tx, {
				creditCode: input.creditCode,
				name: input.name,
				regionCode: region.code,
				industryCode: input.industry,
				address: input.address,
				contactName: input.contactName,
				contactIdNumber: input.contactIdNumber,
				contactMobile: input.contactMobile,
				contactRole: input.contactRole,
				ip,
				now
			});
			await appendAudit(tx, {
				at: now,
				actorUserId: null,
				action: REGISTRATION_SUBMIT,
				target: `registration:${newId}`,
				ip,
				detail: { outcome: 'submitted', creditCode: input.creditCode, regionCode: region.code, contact: maskIdNumber(input.contactIdNumber) }
			});
			return newId;
		});
	} catch (e) {
		if (!isUniqueViolation(e)) throw e; // the same credit code submitted at the same moment
	}
	if (id === null) {
		await audit('duplicate_pending', null);
		return { ok: false, status: 409, field: 'creditCode', message: duplicatePendingMessage(authority) };
	}
	return { ok: true, id };
}

export type StatusResult =
	| { ok: true; name: string; status: string; reason: string | null; createdAt: Date; decidedAt: Date | null }
	| { ok: false; status: 404 | 429; message: string };

export async function lookupRegistrationStatus(db: Db, input: { creditCode: string; mobile: string; ip: string; now: Date }): Promise<StatusResult> {
	if (await throttled(db, REGISTRATION_STATUS_FAILED, input.ip, STATUS_LOOKUP_IP_LIMIT, input.now)) {
		return { ok: false, status: 429, message: '查询次数过多，请一小时后再试' };
	}
	const row = await repo.findApplicationStatus(db, input.creditCode, input.mobile);
	if (!row) {
		await appendAudit(db, { at: input.now, actorUserId: null, action: REGISTRATION_STATUS_FAILED, target: null, ip: input.ip, detail: { creditCode: input.creditCode } });
		return { ok: false, status: 404, message: '没有找到与该统一社会信用代码和联系人手机号对应的注册申请，请核对后再试' };
	}
	return { ok: true, name: row.name, status: row.status, reason: row.reason, createdAt: row.created_at, decidedAt: row.decided_at };
}

export function listRegistrations(db: Db, regionPath: string | null) {
	return Promise.all([repo.listApplications(db, regionPath, 'pending'), repo.listApplications(db, regionPath, 'decided')]);
}

export function getRegistration(db: Db, id: number, regionPath: string | null) {
	return repo.getApplication(db, id, regionPath);
}

export type DecisionResult =
	| { ok: true; orgId: number | null; userId: number | null; account: string | null; password: string | null }
	| { ok: false; notFound: true }
	| { ok: false; notFound?: false; message: string };

async function districtNameOf(db: Db, regionCode: string): Promise<string> {
	const r = await repo.findRegion(db, regionCode);
	if (r?.level === 'town' && r.parent_code) return (await repo.findRegion(db, r.parent_code))?.name ?? r.name;
	return r?.name ?? '';
}

/**
 * 确认: in one transaction the enterprise, its contact as a person, an enterprise_admin account with a
 * one-time password that must be changed at first login, a 站内消息 and an SMS with how to log in.
 * The password is returned once so the reviewer can pass it on if the SMS does not arrive.
 */
export async function confirmRegistration(db: Db, reviewer: Reviewer, id: number, now: Date, loginUrl: string): Promise<DecisionResult> {
	const password = generateOneTimePassword();
	const passwordHash = await hashPassword(password);
	return withTransaction(db, async (tx): Promise<DecisionResult> => {
		await repo.lockApplication(tx, id);
		const a = await repo.getApplication(tx, id, reviewer.regionPath);
		if (!a) return { ok: false, notFound: true };
		if (a.status !== 'pending') return { ok: false, message: '该申请已处理，不能再次确认' };
		const org = await repo.findOrganisationByCreditCode(tx, a.credit_code);
		if (org) return { ok: false, message: `统一社会信用代码 ${a.credit_code} 已是“${org.name}”的代码，不能重复创建，请不予通过并说明理由` };
		const person = await repo.findPersonOrgByIdNumber(tx, a.contact_id_number);
		if (person) return { ok: false, message: `联系人身份证号已登记在“${person.org_name}”的人员名单中（一个人只能属于一个单位），请不予通过并请申请人更换联系人，或先由原单位调出该人员` };
		if (await repo.loginTaken(tx, a.contact_mobile, a.contact_id_number)) return { ok: false, message: '联系人的手机号或身份证号已有登录账号，请不予通过并请申请人更换联系人' };

		const orgId = await repo.insertEnterprise(tx, { name: a.name, creditCode: a.credit_code, regionCode: a.region_code, industryCode: a.industry_code, now });
		const personId = await repo.insertContactPerson(tx, { name: a.contact_name, idNumber: a.contact_id_number, mobile: a.contact_mobile, orgId, roleCategory: a.contact_role_category, now });
		const userId = await repo.insertEnterpriseAdmin(tx, { personId, orgId, displayName: a.contact_name, mobile: a.contact_mobile, idNumber: a.contact_id_number, passwordHash, now });
		if (!(await repo.markDecided(tx, id, { status: 'confirmed', reason: null, userId: reviewer.userId, orgId, now }))) return { ok: false, message: '该申请已处理，不能再次确认' };
		const notificationId = await notify(tx, {
			userId,
			kind: 'registration',
			title: '企业注册已通过审核',
			body: `${a.name}的注册已通过审核，您是本企业的管理员。请先修改一次性密码，再导入人员名单。`,
			link: '/enterprise',
			dedupeKey: `registration:${id}`,
			now
		});
		await enqueueOutbound(tx, {
			userId,
			notificationId,
			channel: 'sms',
			address: a.contact_mobile,
			body: confirmationSms({ orgName: a.name, mobile: a.contact_mobile, password, loginUrl }),
			kind: 'registration',
			idempotencyKey: `registration:${id}:confirmed`,
			now
		});
		await audit(tx, reviewer, now, 'registration.confirm', `registration:${id}`, { orgId, personId, userId, creditCode: a.credit_code, contact: maskIdNumber(a.contact_id_number) });
		return { ok: true, orgId, userId, account: a.contact_mobile, password };
	});
}

export async function refuseRegistration(db: Db, reviewer: Reviewer, id: number, reason: string, now: Date): Promise<DecisionResult> {
	return withTransaction(db, async (tx): Promise<DecisionResult> => {
		await repo.lockApplication(tx, id);
		const a = await repo.getApplication(tx, id, reviewer.regionPath);
		if (!a) return { ok: false, notFound: true };
		if (!(await repo.markDecided(tx, id, { status: 'refused', reason, userId: reviewer.userId, orgId: null, now }))) return { ok: false, message: '该申请已处理' };
		const authority = await authorityFor(tx, a.region_path, await districtNameOf(tx, a.region_code));
		await enqueueOutbound(tx, {
			userId: null,
			channel: 'sms',
			address: a.contact_mobile,
			body: refusalSms({ orgName: a.name, reason, authority }),
			kind: 'registration',
			idempotencyKey: `registration:${id}:refused`,
			now
		});
		await audit(tx, reviewer, now, 'registration.refuse', `registration:${id}`, { creditCode: a.credit_code, reason });
		return { ok: true, orgId: null, userId: null, account: null, password: null };
	});
}
