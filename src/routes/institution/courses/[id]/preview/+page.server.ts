import type { PageServerLoad } from './$types';
import { requireCourseAuthor } from '#lib/server/courses/author-area.ts';
import { getDb } from '#lib/server/runtime.ts';
import { requireOwnedCourse } from '#lib/server/courses/guard.ts';
import { getCourseOutline } from '#lib/server/courses/outline.ts';

// The course as a learner sees it. Nothing here records or credits study time.
export const load: PageServerLoad = async ({ locals, params, route }) => {
	const { scope, base } = requireCourseAuthor(locals, route.id);
	const db = await getDb();
	const course = await requireOwnedCourse(db, scope, params.id);
	const outline = await getCourseOutline(db, course);
	return {
		base: `${base}/${course.id}`,
		course: { id: course.id, title: course.title, description: course.description, trainingType: course.trainingType, creditHours: course.creditHours, status: course.status },
		modules: outline.modules.map((m) => ({ id: m.id, title: m.title, lessons: m.lessons.map((l) => ({ id: l.id, title: l.title, kind: l.kind, minutes: l.minutes })) })),
		totalMinutes: outline.totalMinutes
	};
};
