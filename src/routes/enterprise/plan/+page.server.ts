import { z } from 'zod';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { ENTERPRISE_ROLE_CATEGORIES } from '#lib/domain/labels.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';
import { getPlanOverview } from '#lib/server/study/plan.query.ts';
import { listPublishedCourses } from '#lib/server/study/plan.repository.ts';
import { listRequirementRules } from '#lib/server/study/requirements.repository.ts';
import { formatBasis } from '#lib/server/study/requirements.ts';
import { assignCourse, changeDueDate, generateAnnualPlan, withdrawEnrolment } from '#lib/server/study/plan-service.ts';
import { assignSchema, dueSchema, generateSchema, withdrawSchema } from '#lib/schemas/plan.ts';

const filterSchema = z.object({
	year: z.coerce.number().int().min(2020).max(2100).optional().catch(undefined),
	role: z.enum(ENTERPRISE_ROLE_CATEGORIES as [string, ...string[]]).optional().catch(undefined)
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const db = await getDb();
	const today = shanghaiDate(now());
	const filter = filterSchema.parse({ year: url.searchParams.get('year') ?? undefined, role: url.searchParams.get('role') ?? undefined });
	const year = filter.year ?? Number(today.slice(0, 4));
	const [overview, courses, rules] = await Promise.all([getPlanOverview(db, scope.orgId, year, today, { roleCategory: filter.role }), listPublishedCourses(db, scope.orgId), listRequirementRules(db)]);
	const requirements = rules.map((r) => ({ code: r.code, title: r.title, hours: r.hours, kind: r.kind, highRisk: r.high_risk, basis: formatBasis(r), effectiveTo: r.effective_to }));
	return { year, role: filter.role ?? null, today, overview, requirements, courses: courses.map((c) => ({ id: c.id, title: c.title, hours: c.credit_hours, owner: c.owner_name })) };
};

export const actions: Actions = {
	generate: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'enterprise_admin');
		const parsed = generateSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return zodFailure(parsed.error, { action: 'generate' });
		const summary = await generateAnnualPlan(await getDb(), { orgId: scope.orgId, year: parsed.data.year, dueOn: parsed.data.dueOn, actor: actorOf(scope, event) }, now());
		return { action: 'generate', summary };
	},
	assign: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'enterprise_admin');
		const form = await request.formData();
		const parsed = assignSchema.safeParse({ ...Object.fromEntries(form), personIds: form.getAll('personIds') });
		if (!parsed.success) return zodFailure(parsed.error, { action: 'assign' });
		const result = await assignCourse(await getDb(), { orgId: scope.orgId, ...parsed.data, actor: actorOf(scope, event) }, now());
		if (!result.ok) return formFailure(400, result.message, { action: 'assign' });
		return { action: 'assign', assigned: result };
	},
	withdraw: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'enterprise_admin');
		const parsed = withdrawSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return zodFailure(parsed.error, { action: 'withdraw' });
		const result = await withdrawEnrolment(await getDb(), { orgId: scope.orgId, enrolmentId: parsed.data.enrolmentId, actor: actorOf(scope, event) }, now());
		if (!result.ok) return formFailure(400, result.message, { action: 'withdraw' });
		return { action: 'withdraw' };
	},
	due: async (event) => {
		const { locals, request } = event;
		const scope = requireRole(locals, 'enterprise_admin');
		const parsed = dueSchema.safeParse(Object.fromEntries(await request.formData()));
		if (!parsed.success) return zodFailure(parsed.error, { action: 'due' });
		const result = await changeDueDate(await getDb(), { orgId: scope.orgId, ...parsed.data, actor: actorOf(scope, event) }, now());
		if (!result.ok) return formFailure(400, result.message, { action: 'due' });
		return { action: 'due' };
	}
};
