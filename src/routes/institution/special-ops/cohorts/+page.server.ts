import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listSpecialOperations } from '#lib/server/special-ops/centres.repository.ts';
import { listAttachable, listCohorts, listInstitutionStaff } from '#lib/server/special-ops/cohorts.repository.ts';
import { addCohortTeacher, attachApplications, createCohort } from '#lib/server/special-ops/cohort-service.ts';
import { cohortAttachSchema, cohortSchema, cohortTeacherSchema, formObject } from '#lib/schemas/special-ops-scheduling.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodErrors, zodFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	return {
		cohorts: await listCohorts(db, scope.orgId),
		staff: await listInstitutionStaff(db, scope.orgId),
		items: await listSpecialOperations(db),
		attachable: await listAttachable(db, scope.orgId),
		today: now().toISOString().slice(0, 10)
	};
};

export const actions: Actions = {
	create: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const raw = formObject(await request.formData());
		const parsed = cohortSchema.safeParse(raw);
		if (!parsed.success) return zodFailure(parsed.error, { action: 'create', values: raw });
		const result = await createCohort(await getDb(), actorOf(scope, { getClientAddress }), parsed.data, now());
		if (!result.ok) return formFailure(400, { [result.field ?? 'form']: result.message }, { action: 'create', values: raw });
		return { action: 'create', saved: `培训班“${parsed.data.name}”已创建` };
	},
	teacher: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const parsed = cohortTeacherSchema.safeParse(formObject(await request.formData()));
		if (!parsed.success) return formFailure(400, Object.values(zodErrors(parsed.error)), { action: 'teacher' });
		const result = await addCohortTeacher(await getDb(), actorOf(scope, { getClientAddress }), parsed.data.cohortId, parsed.data.userId, now());
		if (!result) error(404, '没有这个培训班');
		if (!result.ok) return formFailure(400, [result.message], { action: 'teacher', target: parsed.data.cohortId });
		return { action: 'teacher', cohortId: parsed.data.cohortId, saved: '已添加授课教师' };
	},
	attach: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const parsed = cohortAttachSchema.safeParse(formObject(await request.formData(), ['applicationIds']));
		if (!parsed.success) return formFailure(400, Object.values(zodErrors(parsed.error)), { action: 'attach' });
		const result = await attachApplications(await getDb(), actorOf(scope, { getClientAddress }), parsed.data.cohortId, parsed.data.applicationIds, now());
		if (!result) error(404, '没有这个培训班');
		if (!result.ok) return formFailure(400, result.errors, { action: 'attach', target: parsed.data.cohortId });
		return { action: 'attach', cohortId: parsed.data.cohortId, saved: `已加入 ${parsed.data.applicationIds.length} 名学员` };
	}
};
