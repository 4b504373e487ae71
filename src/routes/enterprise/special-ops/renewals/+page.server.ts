import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { idSchema } from '#lib/schemas/params.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { CertificateError } from '#lib/server/certificates/issue-service.ts';
import { applyForRenewal } from '#lib/server/special-ops/so-certificate-service.ts';
import { listRenewals } from '#lib/server/special-ops/renewal-list.ts';
import { listLicensedInstitutions } from '#lib/server/special-ops/so-certificates.repository.ts';
import { formFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const db = await getDb();
	const today = shanghaiDate(now());
	const certificates = await listRenewals(db, { holderOrgId: scope.orgId }, today);
	const institutions = await listLicensedInstitutions(db, [...new Set(certificates.map((c) => c.operationCode).filter((c): c is string => !!c))], today);
	return { today, certificates, institutions };
};

const applySchema = z.object({ certificate: idSchema, institution: idSchema });

export const actions: Actions = {
	apply: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'enterprise_admin');
		const form = await request.formData();
		const parsed = applySchema.safeParse({ certificate: form.get('certificate'), institution: form.get('institution') });
		if (!parsed.success) return formFailure(400, parsed.error.issues[0]!.path[0] === 'institution' ? '请选择培训考核机构' : '请选择证书');
		try {
			const r = await applyForRenewal(await getDb(), actorOf(scope, event), parsed.data.certificate, parsed.data.institution, now());
			return { applied: r.applicationId };
		} catch (e) {
			if (e instanceof CertificateError) return formFailure(e.code === 'not_found' ? 404 : 400, e.message);
			throw e;
		}
	}
};
