import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { assignSchema } from '#lib/schemas/plan.ts';
import { loadCatalogueCourse } from '#lib/server/study/catalogue-page.ts';
import { listActivePersonsForPlan } from '#lib/server/study/plan.repository.ts';
import { assignCourse } from '#lib/server/study/plan-service.ts';

const MISSING = '没有这门课程（或已下架）';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const db = await getDb();
	const detail = await loadCatalogueCourse(db, requireIdParam(params.courseId, MISSING), scope.orgId);
	if (!detail) error(404, MISSING);
	const roles = detail.course.audience_roles;
	// the enterprise's own active staff of the course's role categories (all of them if it has none)
	const persons = (await listActivePersonsForPlan(db, scope.orgId))
		.filter((p) => roles.length === 0 || roles.includes(p.role_category))
		.map((p) => ({ id: p.id, name: p.name, role: p.role_category }));
	return { detail, base: '/enterprise/catalogue', persons, year: Number(shanghaiDate(now()).slice(0, 4)) };
};

export const actions: Actions = {
	assign: async (event) => {
		const { locals, request, params } = event;
		const scope = requireRole(locals, 'enterprise_admin');
		const courseId = requireIdParam(params.courseId, MISSING);
		const form = await request.formData();
		const parsed = assignSchema.safeParse({ year: form.get('year'), dueOn: form.get('dueOn') ?? '', courseId, personIds: form.getAll('personIds') });
		if (!parsed.success) return zodFailure(parsed.error);
		const result = await assignCourse(await getDb(), { orgId: scope.orgId, ...parsed.data, actor: actorOf(scope, event) }, now());
		if (!result.ok) return formFailure(400, result.message);
		return { assigned: result };
	}
};
