import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireCourseAuthor } from '#lib/server/courses/author-area.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listIndustryChoices, listOwnedCourses } from '#lib/server/courses/courses.query.ts';
import { createCourse } from '#lib/server/courses/course-editor.ts';
import { newCourseFromForm, newCourseSchema } from '#lib/schemas/course.ts';
import { postedCourseValues } from './form-values.server.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';
import { actorOf } from '#lib/server/audit/actor.ts';

export const load: PageServerLoad = async ({ locals, route }) => {
	const { scope, area, base } = requireCourseAuthor(locals, route.id);
	const db = await getDb();
	return { area, base, courses: await listOwnedCourses(db, scope.orgId), industries: await listIndustryChoices(db) };
};

export const actions: Actions = {
	create: async (event) => {
		const { locals, route, request } = event;
		const { scope, base } = requireCourseAuthor(locals, route.id);
		const form = await request.formData();
		const parsed = newCourseSchema.safeParse(newCourseFromForm(form));
		if (!parsed.success) return zodFailure(parsed.error, { values: postedCourseValues(form) });
		const result = await createCourse(await getDb(), actorOf(scope, event), parsed.data, now());
		if (!result.ok) return formFailure(400, result.errors, { values: postedCourseValues(form) });
		redirect(303, `${base}/${result.courseId}?created=1`);
	}
};
