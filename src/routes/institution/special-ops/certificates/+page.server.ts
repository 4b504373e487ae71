import { formFailure } from '#lib/forms/failure.ts';
import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { idSchema } from '#lib/schemas/params.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { CertificateError } from '#lib/server/certificates/issue-service.ts';
import { proposeApplicationCertificate } from '#lib/server/special-ops/so-certificate-service.ts';
import { listProposableApplications } from '#lib/server/special-ops/so-certificates.repository.ts';
import { maskIdNumber } from '#lib/domain/identifiers.ts';

const KIND_LABELS: Record<string, string> = { initial: '初次取证', renewal: '换证' };
const CERT_LABELS: Record<string, string> = { proposed: '已提交，待考核发证机关审核', issued: '已发证', rejected: '已驳回' };

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin');
	const rows = await listProposableApplications(await getDb(), scope.orgId);
	return {
		applications: rows.map((r) => {
			const [status, number] = (r.certificate ?? '').split(':');
			return {
				id: r.id,
				kind: KIND_LABELS[r.kind] ?? r.kind,
				name: r.person_name,
				idNumber: maskIdNumber(r.id_number),
				org: r.org_name ?? '—',
				operation: r.operation_name,
				hasPhoto: r.photo_file_id !== null,
				certificate: status ? `${CERT_LABELS[status] ?? status}${number ? ` ${number}` : ''}` : null,
				canPropose: !status || status === 'rejected'
			};
		})
	};
};

const proposeSchema = z.object({ application: idSchema });

export const actions: Actions = {
	propose: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'institution_admin');
		const parsed = proposeSchema.safeParse({ application: (await request.formData()).get('application') });
		if (!parsed.success) return formFailure(400, '请选择报名记录');
		try {
			const r = await proposeApplicationCertificate(await getDb(), actorOf(scope, event), parsed.data.application, now());
			return { proposed: r.id, application: parsed.data.application };
		} catch (e) {
			if (e instanceof CertificateError) return formFailure(e.code === 'not_found' ? 404 : 400, e.message, { target: parsed.data.application });
			throw e;
		}
	}
};
