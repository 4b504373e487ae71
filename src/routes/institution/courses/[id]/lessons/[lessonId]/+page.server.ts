import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { z } from 'zod';
import { requireCourseAuthor } from '#lib/server/courses/author-area.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { requireOwnedCourse } from '#lib/server/courses/guard.ts';
import { listLessons, listModules } from '#lib/server/courses/courses.repository.ts';
import { updateLesson } from '#lib/server/courses/course-editor.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { renderMarkdown } from '#lib/server/courses/markdown.ts';
import { UPLOAD_LIMITS, validateUpload } from '#lib/server/files/upload.ts';
import { idSchema, lessonFieldsFromForm, lessonFieldsSchema, replayLessonFieldsSchema, videoSecondsSchema } from '#lib/schemas/course.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

async function begin(locals: App.Locals, params: { id: string; lessonId: string }, routeId: string | null) {
	const { scope, base } = requireCourseAuthor(locals, routeId);
	const db = await getDb();
	const course = await requireOwnedCourse(db, scope, params.id);
	const lessonId = idSchema.safeParse(params.lessonId);
	const lesson = lessonId.success ? (await listLessons(db, course.id)).find((l) => l.id === lessonId.data) : undefined;
	if (!lesson) error(404, '课程中没有这个课时');
	return { scope, db, course, lesson, base: `${base}/${course.id}` };
}

export const load: PageServerLoad = async ({ locals, params, route }) => {
	const { db, course, lesson, base } = await begin(locals, params, route.id);
	// a 回放 lesson links to its class in the same area (/institution/live or /enterprise/live)
	const liveUrl = lesson.liveClassId !== null ? `${base.replace(/\/courses\/\d+$/, '/live')}/${lesson.liveClassId}` : null;
	const module = (await listModules(db, course.id)).find((m) => m.id === lesson.moduleId);
	return {
		base,
		course: { id: course.id, title: course.title, status: course.status },
		moduleTitle: module?.title ?? '',
		lesson,
		liveUrl,
		previewHtml: renderMarkdown(lesson.bodyMd),
		fileUrl: lesson.fileId ? `/files/${lesson.fileId}` : null,
		limits: { videoMb: UPLOAD_LIMITS.video.maxBytes / 1024 / 1024, pdfMb: UPLOAD_LIMITS.pdf.maxBytes / 1024 / 1024 }
	};
};

const uploadSchema = z.object({
	kind: z.enum(['video', 'pdf'], { error: '请先选择课时类型（视频或 PDF）' }),
	video_seconds: videoSecondsSchema.nullable()
});

export const actions: Actions = {
	save: async (event) => {
		const { locals, params, route, request } = event;
		const { scope, db, course, lesson, base } = await begin(locals, params, route.id);
		const form = await request.formData();
		const candidate = lessonFieldsFromForm(form);
		// a 回放 lesson's form has only the name and the text; kind, length and minutes, if posted, go to
		// the use case, which refuses any change to them
		const parsed = lesson.liveClassId !== null ? replayLessonFieldsSchema.safeParse(candidate) : lessonFieldsSchema.safeParse(candidate);
		if (!parsed.success) return zodFailure(parsed.error, { target: 'lesson', values: candidate });
		const r = await updateLesson(db, actorOf(scope, event), course.id, lesson.id, parsed.data, null, now());
		if (!r.ok) {
			if (r.notFound) error(404, r.errors.form ?? '没有找到');
			return formFailure(400, r.errors, { target: 'lesson', values: candidate });
		}
		redirect(303, `${base}/lessons/${lesson.id}?saved=1`);
	},
	// Renders the posted text without saving it.
	preview: async ({ locals, params, route, request }) => {
		await begin(locals, params, route.id);
		const candidate = lessonFieldsFromForm(await request.formData());
		const body = z.string().max(100_000, '正文最多100000个字符').safeParse(candidate.body_md);
		if (!body.success) return formFailure(400, { body_md: body.error.issues[0]!.message }, { target: 'lesson', values: candidate });
		return { target: 'lesson', values: candidate, preview: renderMarkdown(body.data) };
	},
	upload: async (event) => {
		const { locals, params, route, request } = event;
		const { scope, db, course, lesson, base } = await begin(locals, params, route.id);
		const form = await request.formData();
		const seconds = String(form.get('video_seconds') ?? '').trim();
		const parsed = uploadSchema.safeParse({ kind: form.get('kind'), video_seconds: seconds ? Number(seconds) : null });
		if (!parsed.success) return zodFailure(parsed.error, { target: 'upload' });
		const file = form.get('file');
		if (!(file instanceof File) || (file.size === 0 && !file.name)) return formFailure(400, { file: '请选择要上传的文件' }, { target: 'upload' });
		const checked = await validateUpload(parsed.data.kind, file);
		if (!checked.ok) return formFailure(400, { file: checked.message }, { target: 'upload' });
		const patch = parsed.data.kind === 'video' && parsed.data.video_seconds !== null ? { kind: parsed.data.kind, video_seconds: parsed.data.video_seconds } : { kind: parsed.data.kind };
		const r = await updateLesson(db, actorOf(scope, event), course.id, lesson.id, patch, checked.upload, now());
		if (!r.ok) {
			if (r.notFound) error(404, r.errors.form ?? '没有找到');
			return formFailure(400, r.errors, { target: 'upload' });
		}
		redirect(303, `${base}/lessons/${lesson.id}?uploaded=1`);
	}
};
