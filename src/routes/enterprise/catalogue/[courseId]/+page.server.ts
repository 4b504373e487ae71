import { error, fail } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
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
	assign: async ({ locals, request, params, getClientAddress }) => {
		const scope = requireRole(locals, 'enterprise_admin');
		const courseId = requireIdParam(params.courseId, MISSING);
		const form = await request.formData();
		const parsed = assignSchema.safeParse({ year: form.get('year'), dueOn: form.get('dueOn') ?? '', courseId, personIds: form.getAll('personIds') });
		if (!parsed.success) return fail(400, { errors: Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0] ?? 'form'), i.message])) });
		const result = await assignCourse(await getDb(), { orgId: scope.orgId, ...parsed.data, actor: { userId: scope.userId, role: scope.role, ip: getClientAddress() } }, now());
		if (!result.ok) return fail(400, { errors: { form: result.message } });
		return { assigned: result };
	}
};
