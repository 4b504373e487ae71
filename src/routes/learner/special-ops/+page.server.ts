import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { idParam } from '#lib/schemas/params.ts';
import { applyAsIndividual, saveMaterials } from '#lib/server/special-ops/application-service.ts';
import { listApplications, listLicensedInstitutions, listOperations } from '#lib/server/special-ops/applications.repository.ts';
import { currentMaterials, parseMaterialsForm } from '#lib/server/special-ops/materials-form.ts';
import { applicationView } from '#lib/server/special-ops/application-view.ts';
import { individualApplySchema } from '#lib/schemas/special-ops-application.ts';
import { formFields } from '#lib/schemas/findings.ts';

const BAD_FORM: Record<string, string> = { form: '表单格式不正确，请刷新页面后重试' };

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'learner');
	const db = await getDb();
	const [apps, institutions, operations] = await Promise.all([
		scope.personId === null ? [] : listApplications(db, { personId: scope.personId }),
		listLicensedInstitutions(db, shanghaiDate(now())),
		listOperations(db)
	]);
	return {
		hasPerson: scope.personId !== null,
		applications: apps.map((a) => ({ view: applicationView(a), current: currentMaterials(a), editable: a.status === 'draft' || a.status === 'returned' })),
		institutions,
		operations
	};
};

export const actions: Actions = {
	apply: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'learner');
		const form = await request.formData().catch(() => null);
		if (!form) return formFailure(400, BAD_FORM, { target: 'apply' });
		const head = individualApplySchema.pick({ code: true, institution: true }).safeParse(formFields(form, ['code', 'institution']));
		if (!head.success) return zodFailure(head.error, { target: 'apply' });
		const materials = await parseMaterialsForm(form);
		if (!materials.ok) return formFailure(400, materials.errors, { target: 'apply' });
		const result = await applyAsIndividual(await getDb(), actorOf(scope, event), { ...materials.input, code: head.data.code, institutionOrgId: head.data.institution }, now());
		if (!result.ok) return formFailure(400, result.errors, { target: 'apply' });
		redirect(303, '/learner/special-ops?submitted=1');
	},
	resubmit: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'learner');
		const form = await request.formData().catch(() => null);
		const id = form ? idParam(form.get('id')) : null;
		if (!form || id === null) return formFailure(400, BAD_FORM, { target: 'resubmit' });
		const materials = await parseMaterialsForm(form);
		if (!materials.ok) return formFailure(400, materials.errors, { target: `app-${id}` });
		const result = await saveMaterials(await getDb(), actorOf(scope, event), id, materials.input, now());
		if (!result.ok) {
			if (result.notFound) error(404, '没有这份报名');
			return formFailure(400, result.errors, { target: `app-${id}` });
		}
		redirect(303, result.submitted ? '/learner/special-ops?submitted=1' : '/learner/special-ops');
	}
};
