import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now, studyConfig } from '#lib/server/runtime.ts';
import { getLessonForStudy } from '#lib/server/study/my-study.query.ts';
import { renderMarkdown } from '#lib/server/courses/markdown.ts';
import { idParam } from '#lib/schemas/params.ts';
import { findLiveClassForPerson } from '#lib/server/live/live.repository.ts';
import { answerLessonQuiz, drawLessonQuiz } from '#lib/server/courses/lesson-quiz.service.ts';
import { formFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'learner');
	const enrolmentId = idParam(params.enrolmentId);
	const lessonId = idParam(params.lessonId);
	const found = scope.personId && enrolmentId && lessonId ? await getLessonForStudy(await getDb(), scope.personId, enrolmentId, lessonId) : undefined;
	if (!found) error(404, '没有这一节，或这门课程没有分配给您');
	// No attention check is shown on load: a loaded page starts a new study session, and a check
	// belongs to the session it was issued in (an unanswered one ends with its session).
	const { outline, lesson, progress } = found;
	// a class's 回放 lesson plays on the class page: its signed replay, the video rule, and the class's
	// live_attendance replay accounting (the only place its time counts)
	if (lesson.live_class_id !== null) {
		const live = await findLiveClassForPerson(await getDb(), lesson.live_class_id, scope.personId ?? 0);
		if (live?.inAudience) redirect(303, `/learner/live/${lesson.live_class_id}`);
		// a course learner the class's audience leaves out: say why, and who can change it
		error(403, `“${lesson.title}”是直播“${live?.cls.title ?? ''}”的回放，只对这场直播的参训对象开放；您不在它的参训名单中，请联系培训管理员把您加入这场直播`);
	}
	// practice questions without their key: the key only comes back from the quiz action
	const quiz = await drawLessonQuiz(await getDb(), lesson.id, now());
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
		intervalSeconds: studyConfig().intervalSeconds,
		quiz
	};
};

export const actions: Actions = {
	/** One practice answer, checked here; nothing is stored and nothing counts as an exam or 学时. */
	quiz: async ({ locals, params, request }) => {
		const scope = requireRole(locals, 'learner');
		const enrolmentId = idParam(params.enrolmentId);
		const lessonId = idParam(params.lessonId);
		const db = await getDb();
		const found = scope.personId && enrolmentId && lessonId ? await getLessonForStudy(db, scope.personId, enrolmentId, lessonId) : undefined;
		if (!found) error(404, '没有这一节，或这门课程没有分配给您');
		const form = await request.formData().catch(() => null);
		const code = form?.get('question');
		if (!form || typeof code !== 'string' || !code) return formFailure(400, '表单格式不正确，请刷新页面后重试');
		const values = form.getAll('answer').filter((v): v is string => typeof v === 'string');
		const result = await answerLessonQuiz(db, found.lesson.id, code, values, now());
		return result.ok ? { quiz: result } : formFailure(400, result.message, { target: result.code });
	}
};
