import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, studyConfig } from '#lib/server/runtime.ts';
import { getLessonForStudy } from '#lib/server/study/my-study.query.ts';
import { renderMarkdown } from '#lib/server/courses/markdown.ts';
import { idParam } from '#lib/schemas/params.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'learner');
	const enrolmentId = idParam(params.enrolmentId);
	const lessonId = idParam(params.lessonId);
	const found = scope.personId && enrolmentId && lessonId ? await getLessonForStudy(await getDb(), scope.personId, enrolmentId, lessonId) : undefined;
	if (!found) error(404, '没有这一节，或这门课程没有分配给您');
	// No attention check is shown on load: a loaded page starts a new study session, and a check
	// belongs to the session it was issued in (an unanswered one ends with its session).
	const { outline, lesson, progress } = found;
	return {
		enrolment: { id: outline.enrolment.id, title: outline.enrolment.title, open: outline.enrolment.status === 'active' && outline.enrolment.course_status === 'published' },
		lesson: {
			id: lesson.id,
			title: lesson.title,
			kind: lesson.kind as 'text' | 'video' | 'pdf',
			minutes: lesson.minutes,
			videoSeconds: lesson.video_seconds,
			html: lesson.kind === 'text' ? renderMarkdown(lesson.body_md) : '',
			fileUrl: lesson.file_id ? `/files/${lesson.file_id}` : null
		},
		moduleTitle: found.moduleTitle,
		progress,
		previousId: found.previousId,
		nextId: found.nextId,
		intervalSeconds: studyConfig().intervalSeconds
	};
};
