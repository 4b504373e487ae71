import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { maskIdNumber } from '#lib/domain/identifiers.ts';
import { batchApply } from '#lib/server/special-ops/application-service.ts';
import { listActiveStaff, listApplications, listLicensedInstitutions, listOperations } from '#lib/server/special-ops/applications.repository.ts';
import { batchApplySchema } from '#lib/schemas/special-ops-application.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const db = await getDb();
	const [applications, staff, institutions, operations] = await Promise.all([
		listApplications(db, { enterpriseOrgId: scope.orgId }),
		listActiveStaff(db, scope.orgId),
		listLicensedInstitutions(db, shanghaiDate(now())),
		listOperations(db)
	]);
	return {
		applications: applications.map((a) => ({ id: a.id, name: a.person_name, item: a.item, institution: a.institution_name, status: a.status, submittedAt: a.submitted_at, reviewReason: a.review_reason })),
		staff: staff.map((p) => ({ id: p.id, name: p.name, idNumber: maskIdNumber(p.id_number), code: p.special_operation_code, position: p.position })),
		institutions,
		operations
	};
};

export const actions: Actions = {
	apply: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'enterprise_admin');
		const form = await request.formData().catch(() => null);
		if (!form) return formFailure(400, '表单格式不正确，请刷新页面后重试');
		const parsed = batchApplySchema.safeParse({ code: form.get('code') ?? undefined, institution: form.get('institution') ?? undefined, persons: form.getAll('persons') });
		if (!parsed.success) return zodFailure(parsed.error);
		const result = await batchApply(
			await getDb(),
			actorOf(scope, event),
			{ code: parsed.data.code, institutionOrgId: parsed.data.institution, personIds: parsed.data.persons },
			now()
		);
		if (!result.ok) return formFailure(400, result.errors);
		redirect(303, `/enterprise/special-ops?created=${result.ids.length}`);
	}
};
