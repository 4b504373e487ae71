import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listIndustryChoices, listOwnedCourses } from '#lib/server/courses/courses.query.ts';
import { createCourse } from '#lib/server/courses/course-editor.ts';
import { newCourseFromForm, newCourseSchema } from '#lib/schemas/course.ts';
import { fieldErrors } from '#lib/schemas/auth.ts';
import { postedCourseValues } from './form-values.server.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin');
	const db = await getDb();
	return { courses: await listOwnedCourses(db, scope.orgId), industries: await listIndustryChoices(db) };
};

export const actions: Actions = {
	create: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'institution_admin');
		const form = await request.formData();
		const parsed = newCourseSchema.safeParse(newCourseFromForm(form));
		if (!parsed.success) return fail(400, { errors: fieldErrors(parsed.error), values: postedCourseValues(form) });
		const result = await createCourse(await getDb(), { userId: scope.userId, role: scope.role, orgId: scope.orgId, ip: getClientAddress(), now: now() }, parsed.data);
		if (!result.ok) return fail(400, { errors: result.errors, values: postedCourseValues(form) });
		redirect(303, `/institution/courses/${result.courseId}?created=1`);
	}
};
