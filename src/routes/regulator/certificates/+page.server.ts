import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { idSchema } from '#lib/schemas/params.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { CertificateError, decideCertificates, recordReview, revokeCertificate } from '#lib/server/certificates/issue-service.ts';
import { listRegulatorCertificates, listRegulatorProposals } from '#lib/server/certificates/certificates.query.ts';
import { lookupStats } from '#lib/server/certificates/verify.ts';
import { certificateConfig } from '#lib/server/certificates/config.ts';
import { CERTIFICATE_KIND_LABELS, holderMismatch, publicStatusOn, PUBLIC_STATUS_LABELS, rulesForUsers, type CertificateKind } from '#lib/server/certificates/rules.ts';
import { maskIdNumber } from '#lib/domain/identifiers.ts';
import { formatDateTime, shanghaiDate } from '#lib/domain/dates.ts';
import { roleCategoryLabel, labelOf } from '#lib/domain/labels.ts';
import { openIntegrityFlags } from '#lib/server/proctoring/integrity.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure } from '#lib/forms/failure.ts';

const id = idSchema;

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'regulator');
	const db = await getDb();
	const q = z
		.object({ status: z.enum(['issued', 'revoked']).optional().catch(undefined), q: z.string().trim().max(40).optional().catch(undefined) })
		.parse({ status: url.searchParams.get('status') || undefined, q: url.searchParams.get('q') || undefined });
	const today = shanghaiDate(now());
	const proposals = await listRegulatorProposals(db, scope.regionPath);
	const certificates = await listRegulatorCertificates(db, scope.regionPath, { status: q.status, search: q.q });
	return {
		filter: { status: q.status ?? '', q: q.q ?? '' },
		proposals: proposals.map((c) => ({
			id: c.id,
			name: c.person_name,
			idNumber: maskIdNumber(c.id_number),
			org: c.holder_org_name,
			typeName: labelOf(CERTIFICATE_KIND_LABELS, c.type),
			operation: c.special_operation_code,
			proposedAt: formatDateTime(c.proposed_at),
			renewal: c.replaces_certificate_id !== null,
			category: roleCategoryLabel(c.role_category),
			mismatch: holderMismatch(c.type as CertificateKind, { roleCategory: c.role_category, specialOperationCode: c.person_operation_code }, c.type === 'special_work' ? c.special_operation_code : undefined),
			attemptId: c.attempt_id,
			score: c.score === null ? null : Number(c.score),
			totalPoints: c.total_points === null ? null : Number(c.total_points),
			openFlags: openIntegrityFlags(c.flags, c.decision)
		})),
		certificates: certificates.map((c) => {
			const s = publicStatusOn({ status: c.status, issuedOn: c.issued_on, validUntil: c.valid_until, nextReviewDue: c.next_review_due, revokeReason: c.revoke_reason }, today);
			return { id: c.id, number: c.number, name: c.person_name, org: c.holder_org_name, typeName: labelOf(CERTIFICATE_KIND_LABELS, c.type), status: s.status, statusLabel: PUBLIC_STATUS_LABELS[s.status], validUntil: c.valid_until, nextReviewDue: c.next_review_due, revokeReason: c.revoke_reason, issuer: c.issuer_name, canRevoke: c.status === 'issued' };
		}),
		stats: await lookupStats(db, now()),
		today,
		...rulesForUsers(certificateConfig())
	};
};

function failed(action: string, e: unknown) {
	if (e instanceof CertificateError) return formFailure(e.code === 'not_found' ? 404 : 400, e.message, { action });
	throw e;
}

export const actions: Actions = {
	decide: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'regulator');
		const form = await request.formData();
		const parsed = z
			.object({ id: z.array(id).min(1, '请至少选择一份申请').max(1000), decision: z.enum(['approve', 'reject'], { message: '请选择批准或驳回' }), reason: z.string().trim().max(200, '驳回理由不超过200字') })
			.safeParse({ id: form.getAll('id'), decision: form.get('decision'), reason: form.get('reason') ?? '' });
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]!.message, { action: 'decide' });
		try {
			const r = await decideCertificates(await getDb(), { ...actorOf(scope, event), regionPath: scope.regionPath }, parsed.data.id, parsed.data.decision, parsed.data.reason || null, now(), certificateConfig());
			return { action: 'decide', decision: parsed.data.decision, done: r.done, skipped: r.skipped };
		} catch (e) {
			return failed('decide', e);
		}
	},
	revoke: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'regulator');
		const form = await request.formData();
		const parsed = z.object({ id, reason: z.string().trim().min(1, '请填写撤销理由').max(200, '撤销理由不超过200字') }).safeParse({ id: form.get('id'), reason: form.get('reason') ?? '' });
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]!.message, { action: 'revoke' });
		try {
			const r = await revokeCertificate(await getDb(), { ...actorOf(scope, event), regionPath: scope.regionPath }, parsed.data.id, parsed.data.reason, now());
			return { action: 'revoke', revoked: r.number };
		} catch (e) {
			return failed('revoke', e);
		}
	},
	review: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'regulator');
		const form = await request.formData();
		const parsed = z.object({ id, reviewedOn: z.iso.date({ message: '复审日期格式不正确' }), extended: z.literal('on').optional() }).safeParse({ id: form.get('id'), reviewedOn: form.get('reviewedOn'), extended: form.get('extended') ?? undefined });
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]!.message, { action: 'review' });
		try {
			const r = await recordReview(await getDb(), { ...actorOf(scope, event), regionPath: scope.regionPath }, parsed.data.id, parsed.data.reviewedOn, { extended: !!parsed.data.extended }, now());
			return { action: 'review', nextReviewDue: r.nextReviewDue };
		} catch (e) {
			return failed('review', e);
		}
	}
};
