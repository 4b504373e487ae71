import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireCourseAuthor } from '#lib/server/courses/author-area.ts';
import { getDb } from '#lib/server/runtime.ts';
import { requireOwnedCourse } from '#lib/server/courses/guard.ts';
import { listLessons } from '#lib/server/courses/courses.repository.ts';
import { renderMarkdown } from '#lib/server/courses/markdown.ts';
import { idSchema } from '#lib/schemas/course.ts';
import { getLessonQuiz } from '#lib/server/courses/lesson-quiz.repository.ts';

// One lesson as a learner sees it, with the previous and next lesson. No study time is credited.
export const load: PageServerLoad = async ({ locals, params, route }) => {
	const { scope, base } = requireCourseAuthor(locals, route.id);
	const db = await getDb();
	const course = await requireOwnedCourse(db, scope, params.id);
	const lessons = await listLessons(db, course.id);
	const lessonId = idSchema.safeParse(params.lessonId);
	const i = lessonId.success ? lessons.findIndex((l) => l.id === lessonId.data) : -1;
	const lesson = lessons[i];
	if (!lesson) error(404, '课程中没有这个课时');
	const link = (l: (typeof lessons)[number] | undefined) => (l ? { id: l.id, title: l.title } : null);
	return {
		base: `${base}/${course.id}`,
		course: { id: course.id, title: course.title, status: course.status },
		lesson: { id: lesson.id, title: lesson.title, kind: lesson.kind, minutes: lesson.minutes },
		html: renderMarkdown(lesson.bodyMd),
		fileUrl: lesson.fileId ? `/files/${lesson.fileId}` : null,
		position: { n: i + 1, of: lessons.length },
		previous: link(lessons[i - 1]),
		next: link(lessons[i + 1]),
		// what the learner's end-of-lesson practice draws from (the questions themselves are drawn per visit)
		quiz: (await getLessonQuiz(db, lesson.id))?.quiz ?? null
	};
};
