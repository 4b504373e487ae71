import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type Actor } from '../audit/actor.ts';
import { isUniqueViolation } from '../db/errors.ts';
import { createAdminAccount } from '../admin/admin-account.ts';
import type { OrgAdminAccountInput, OrgInput, ScopeInput } from '../../schemas/org.ts';
import type { Role } from '../../domain/labels.ts';
import {
	deleteInstitutionScope,
	deleteOrganisationSessions,
	findOrgByCreditCode,
	findRegion,
	findRegulator,
	industryExists,
	insertInstitutionScopes,
	insertOrganisation,
	lockOrganisation,
	setOrganisationStatus,
	specialOperationsExist,
	updateOrganisation,
	type OrgRow,
	type ScopeRow
} from './orgs.repository.ts';

// Creating, editing, suspending and reactivating organisations (platform admin; a regulator for
// enterprises of its own region). `jurisdiction` is the regulator's region path, null for the
// platform admin: every use case refuses a region outside it and treats an organisation outside
// it as not found.

export type Result<T = object> = ({ ok: true } & T) | { ok: false; notFound?: true; errors: Record<string, string> };

/** Which role an organisation's first administrator gets. Government bodies manage their staff like enterprises. */
export const ORG_ADMIN_ROLE: Record<string, Role> = {
	enterprise: 'enterprise_admin',
	government: 'enterprise_admin',
	institution: 'institution_admin',
	regulator: 'regulator'
};

const NOT_FOUND = { ok: false as const, notFound: true as const, errors: { form: '没有找到该单位' } };

/** The platform admin manages every organisation but the platform's own; a regulator the enterprises of its region. */
function manageable(org: { kind: string; region_path: string }, jurisdiction: string | null): boolean {
	if (org.kind === 'platform') return false;
	return jurisdiction === null || (org.kind === 'enterprise' && org.region_path.startsWith(jurisdiction));
}

function duplicateCredit(name: string) {
	return { creditCode: `该统一社会信用代码已登记为「${name}」，不能重复登记；如需更正请联系平台运营方` };
}

async function checkOrgInput(tx: Db, input: OrgInput, jurisdiction: string | null, selfId: number | null): Promise<Record<string, string>> {
	const errors: Record<string, string> = {};
	const region = await findRegion(tx, input.regionCode);
	if (!region) errors.regionCode = '所在区域不存在，请从列表中选择';
	else if (jurisdiction !== null && !region.path.startsWith(jurisdiction)) errors.regionCode = `所在区域（${region.name}）不在本部门辖区内，不能登记`;
	if (input.kind === 'enterprise' && !(await industryExists(tx, input.industryCode))) errors.industryCode = '行业不存在，请从列表中选择';
	if (input.creditCode) {
		const other = await findOrgByCreditCode(tx, input.creditCode);
		if (other && other.id !== selfId) Object.assign(errors, duplicateCredit(other.name));
	}
	return errors;
}

function toRow(input: OrgInput): OrgRow {
	return {
		kind: input.kind,
		name: input.name,
		credit_code: input.creditCode ?? null,
		region_code: input.regionCode,
		industry_code: input.kind === 'enterprise' ? input.industryCode : null,
		scale: input.kind === 'enterprise' ? input.scale : null,
		standardization_level: input.kind === 'enterprise' ? input.standardizationLevel : null,
		gov_type: input.kind === 'government' ? input.govType : null,
		address: input.address,
		legal_rep: input.legalRep
	};
}

async function checkScopes(tx: Db, scopes: ScopeInput): Promise<{ rows: ScopeRow[]; errors: Record<string, string> }> {
	const errors: Record<string, string> = {};
	const codes = scopes.scopes.filter((s) => s.startsWith('so:')).map((s) => s.slice(3));
	const known = new Set(await specialOperationsExist(tx, codes));
	const unknown = codes.filter((c) => !known.has(c));
	if (unknown.length) errors.scopes = `特种作业操作项目不存在：${unknown.join('、')}`;
	if (scopes.filedWithOrgId !== null && !(await findRegulator(tx, scopes.filedWithOrgId))) errors.filedWithOrgId = '备案的应急管理部门不存在';
	const rows: ScopeRow[] = [...new Set(scopes.scopes)].map((s) => ({
		scope: s.startsWith('so:') ? 'special_operation' : (s as 'principal' | 'safety_manager'),
		special_operation_code: s.startsWith('so:') ? s.slice(3) : null,
		filed_with_org_id: scopes.filedWithOrgId,
		valid_from: scopes.validFrom,
		valid_until: scopes.validUntil
	}));
	return { rows, errors };
}

/** A race on the unique credit code ends as the same refusal as the check before the insert. */
async function refuseDuplicates<T>(run: () => Promise<Result<T>>): Promise<Result<T>> {
	try {
		return await run();
	} catch (e) {
		if (isUniqueViolation(e)) return { ok: false, errors: { creditCode: '该统一社会信用代码已登记，不能重复登记' } };
		throw e;
	}
}

export async function createOrganisation(db: Db, actor: Actor, input: OrgInput, scopes: ScopeInput | null, jurisdiction: string | null, now: Date): Promise<Result<{ id: number }>> {
	if (jurisdiction !== null && input.kind !== 'enterprise') return { ok: false, errors: { kind: '应急管理部门只能登记本辖区的企业' } };
	return refuseDuplicates(() =>
		withTransaction(db, async (tx): Promise<Result<{ id: number }>> => {
			const errors = await checkOrgInput(tx, input, jurisdiction, null);
			const checked = input.kind === 'institution' && scopes ? await checkScopes(tx, scopes) : null;
			Object.assign(errors, checked?.errors);
			if (Object.keys(errors).length) return { ok: false, errors };
			const id = await insertOrganisation(tx, toRow(input), now);
			const scopeCount = checked ? await insertInstitutionScopes(tx, id, checked.rows, actor.userId, now) : 0;
			await audit(tx, actor, now, 'org.created', `org:${id}`, { kind: input.kind, name: input.name, creditCode: input.creditCode ?? null, regionCode: input.regionCode, scopes: scopeCount });
			return { ok: true, id };
		})
	);
}

export async function editOrganisation(db: Db, actor: Actor, orgId: number, input: OrgInput, jurisdiction: string | null, now: Date): Promise<Result> {
	return refuseDuplicates(() =>
		withTransaction(db, async (tx): Promise<Result> => {
			const org = await lockOrganisation(tx, orgId);
			if (!org || !manageable(org, jurisdiction)) return NOT_FOUND;
			if (org.kind !== input.kind) return { ok: false, errors: { kind: '单位类型不能修改' } };
			const errors = await checkOrgInput(tx, input, jurisdiction, orgId);
			if (Object.keys(errors).length) return { ok: false, errors };
			const { kind: _kind, ...row } = toRow(input);
			void _kind;
			await updateOrganisation(tx, orgId, row);
			await audit(tx, actor, now, 'org.updated', `org:${orgId}`, { before: { name: org.name, creditCode: org.credit_code }, after: { name: input.name, creditCode: input.creditCode ?? null, regionCode: input.regionCode } });
			return { ok: true };
		})
	);
}

/** Keeps every record; the organisation's accounts cannot sign in and their sessions end now. */
export async function suspendOrganisation(db: Db, actor: Actor, orgId: number, reason: string, jurisdiction: string | null, now: Date): Promise<Result> {
	return withTransaction(db, async (tx): Promise<Result> => {
		const org = await lockOrganisation(tx, orgId);
		if (!org || !manageable(org, jurisdiction)) return NOT_FOUND;
		if (org.status === 'suspended') return { ok: false, errors: { form: '该单位已是停用状态' } };
		await setOrganisationStatus(tx, orgId, { at: now, reason });
		const sessions = await deleteOrganisationSessions(tx, orgId);
		await audit(tx, actor, now, 'org.suspended', `org:${orgId}`, { reason, sessionsEnded: sessions });
		return { ok: true };
	});
}

export async function reactivateOrganisation(db: Db, actor: Actor, orgId: number, jurisdiction: string | null, now: Date): Promise<Result> {
	return withTransaction(db, async (tx): Promise<Result> => {
		const org = await lockOrganisation(tx, orgId);
		if (!org || !manageable(org, jurisdiction)) return NOT_FOUND;
		if (org.status === 'active') return { ok: false, errors: { form: '该单位未停用' } };
		await setOrganisationStatus(tx, orgId, null);
		await audit(tx, actor, now, 'org.reactivated', `org:${orgId}`);
		return { ok: true };
	});
}

export async function addInstitutionScopes(db: Db, actor: Actor, orgId: number, scopes: ScopeInput, now: Date): Promise<Result<{ added: number }>> {
	return withTransaction(db, async (tx): Promise<Result<{ added: number }>> => {
		const org = await lockOrganisation(tx, orgId);
		if (!org || org.kind !== 'institution') return NOT_FOUND;
		const { rows, errors } = await checkScopes(tx, scopes);
		if (Object.keys(errors).length) return { ok: false, errors };
		const added = await insertInstitutionScopes(tx, orgId, rows, actor.userId, now);
		await audit(tx, actor, now, 'org.scopes_added', `org:${orgId}`, { scopes: scopes.scopes, filedWithOrgId: scopes.filedWithOrgId, validFrom: scopes.validFrom, validUntil: scopes.validUntil, added });
		return { ok: true, added };
	});
}

export async function removeInstitutionScope(db: Db, actor: Actor, orgId: number, scopeId: number, now: Date): Promise<Result> {
	return withTransaction(db, async (tx): Promise<Result> => {
		const org = await lockOrganisation(tx, orgId);
		if (!org || org.kind !== 'institution') return NOT_FOUND;
		if (!(await deleteInstitutionScope(tx, orgId, scopeId))) return { ok: false, errors: { scope: '没有找到该资质范围' } };
		await audit(tx, actor, now, 'org.scope_removed', `org:${orgId}`, { scopeId });
		return { ok: true };
	});
}

/** The organisation's first (or another) administrator, with a one-time password shown once. */
export async function createOrgAdmin(db: Db, actor: Actor, orgId: number, input: OrgAdminAccountInput, now: Date): Promise<Result<{ password: string; role: Role }>> {
	return refuseDuplicatesOfAccount(() =>
		withTransaction(db, async (tx): Promise<Result<{ password: string; role: Role }>> => {
			const org = await lockOrganisation(tx, orgId);
			const role = org ? ORG_ADMIN_ROLE[org.kind] : undefined;
			if (!org || !role) return NOT_FOUND;
			const created = await createAdminAccount(tx, { name: input.name, mobile: input.mobile, idNumber: input.idNumber, role, orgId }, actor, now);
			if (!created.ok) return created;
			return { ok: true, password: created.password, role };
		})
	);
}

async function refuseDuplicatesOfAccount<T>(run: () => Promise<Result<T>>): Promise<Result<T>> {
	try {
		return await run();
	} catch (e) {
		if (isUniqueViolation(e)) return { ok: false, errors: { mobile: '该手机号或身份证号已有账号，不能重复创建' } };
		throw e;
	}
}
