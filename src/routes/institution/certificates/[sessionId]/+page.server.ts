import { error } from '@sveltejs/kit';
import { formFailure } from '#lib/forms/failure.ts';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { idSchema } from '#lib/schemas/params.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { getSessionForInstitution } from '#lib/server/certificates/certificates.repository.ts';
import { CertificateError, listSessionCandidates, proposeCertificates, revokeCertificate } from '#lib/server/certificates/issue-service.ts';
import { listSessionCertificates } from '#lib/server/certificates/certificates.query.ts';
import { certificateConfig } from '#lib/server/certificates/config.ts';
import { CERTIFICATE_KIND_LABELS, isStatutory, type CertificateKind } from '#lib/server/certificates/rules.ts';
import { maskIdNumber } from '#lib/domain/identifiers.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { labelOf } from '#lib/domain/labels.ts';


async function sessionOf(locals: App.Locals, raw: string) {
	const scope = requireRole(locals, 'institution_admin');
	const id = idSchema.safeParse(raw);
	if (!id.success) error(404, '考试场次不存在');
	const session = await getSessionForInstitution(await getDb(), id.data, scope.orgId);
	if (!session) error(404, '考试场次不存在');
	return { scope, session };
}

export const load: PageServerLoad = async ({ locals, params }) => {
	const { scope, session } = await sessionOf(locals, params.sessionId);
	const db = await getDb();
	const candidates = await listSessionCandidates(db, session.id);
	const certificates = await listSessionCertificates(db, scope.orgId, session.id);
	return {
		session: { id: session.id, name: session.name, courseTitle: session.course_title, blueprintType: session.blueprint_type, blueprintName: session.blueprint_name },
		candidates: candidates.map((c) => ({
			attemptId: c.attempt_id,
			name: c.person_name,
			idNumber: maskIdNumber(c.id_number),
			org: c.org_name,
			operation: c.operation_name,
			score: c.score,
			studyDone: c.course_id === null ? null : !!c.study_completed_at,
			eligible: c.eligibility.eligible,
			reason: c.eligibility.eligible ? null : c.eligibility.reason
		})),
		certificates: certificates.map((c) => ({
			id: c.id,
			number: c.number,
			type: c.type,
			typeName: labelOf(CERTIFICATE_KIND_LABELS, c.type),
			statutory: isStatutory(c.type as CertificateKind),
			status: c.status,
			name: c.person_name,
			org: c.holder_org_name,
			issuer: c.issuer_name,
			validUntil: c.valid_until,
			rejectReason: c.reject_reason,
			revokeReason: c.revoke_reason
		}))
	};
};

const proposeSchema = z.object({ attempt: z.array(idSchema).min(1, '请至少选择一名考生').max(1000) });
const revokeSchema = z.object({ id: idSchema, reason: z.string().trim().min(1, '请填写撤销理由').max(200, '撤销理由不超过200字') });

export const actions: Actions = {
	propose: async (event) => {
		const { locals, params, request } = event;
		const { scope, session } = await sessionOf(locals, params.sessionId);
		const form = await request.formData();
		const parsed = proposeSchema.safeParse({ attempt: form.getAll('attempt') });
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]!.message, { action: 'propose' });
		try {
			const r = await proposeCertificates(await getDb(), actorOf(scope, event), session.id, parsed.data.attempt, now(), certificateConfig());
			return { action: 'propose', done: r.done.length, issued: r.done.filter((d) => d.status === 'issued').length, skipped: r.skipped };
		} catch (e) {
			if (e instanceof CertificateError) return formFailure(e.code === 'not_found' ? 404 : 400, e.message, { action: 'propose' });
			throw e;
		}
	},
	revoke: async (event) => {
		const { locals, params, request } = event;
		const { scope } = await sessionOf(locals, params.sessionId);
		const form = await request.formData();
		const parsed = revokeSchema.safeParse({ id: form.get('id'), reason: form.get('reason') ?? '' });
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]!.message, { action: 'revoke' });
		try {
			const r = await revokeCertificate(await getDb(), actorOf(scope, event), parsed.data.id, parsed.data.reason, now());
			return { action: 'revoke', revoked: r.number };
		} catch (e) {
			if (e instanceof CertificateError) return formFailure(e.code === 'not_found' ? 404 : 400, e.message, { action: 'revoke' });
			throw e;
		}
	}
};
