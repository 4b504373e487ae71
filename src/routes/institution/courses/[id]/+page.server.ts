import { error, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { z } from 'zod';
import { requireCourseAuthor } from '#lib/server/courses/author-area.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { requireOwnedCourse } from '#lib/server/courses/guard.ts';
import { getCourseOutline } from '#lib/server/courses/outline.ts';
import { listIndustryChoices } from '#lib/server/courses/courses.query.ts';
import {
	addLesson,
	addModule,
	deleteLesson,
	deleteModule,
	moveLesson,
	moveModule,
	publishCourse,
	renameModule,
	retireCourse,
	updateCourse,
	type Result
} from '#lib/server/courses/course-editor.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { courseMetaFromForm, courseMetaSchema, directionSchema, idSchema, moduleTitleSchema, newLessonFromForm, newLessonSchema } from '#lib/schemas/course.ts';
import { courseFormValues, postedCourseValues } from '../form-values.server.ts';
import { formFailure, zodErrors, type FailureExtras, type FormErrors } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals, params, route }) => {
	const { scope, area, base } = requireCourseAuthor(locals, route.id);
	const db = await getDb();
	const course = await requireOwnedCourse(db, scope, params.id);
	const outline = await getCourseOutline(db, course);
	return {
		area,
		base,
		course,
		values: courseFormValues(course),
		modules: outline.modules.map((m) => ({
			id: m.id,
			title: m.title,
			lessons: m.lessons.map((l) => ({ id: l.id, title: l.title, kind: l.kind, minutes: l.minutes, hasFile: l.fileId !== null, fileName: l.file?.name ?? null }))
		})),
		totalMinutes: outline.totalMinutes,
		xueshiMinutes: outline.xueshiMinutes,
		maxCreditHours: outline.maxCreditHours,
		problems: outline.problems,
		industries: await listIndustryChoices(db)
	};
};

type Ctx = { locals: App.Locals; params: { id: string }; route: { id: string | null }; request: Request; getClientAddress: () => string };

/** Guard, owned course and parsed form: the start of every action. */
async function begin(ctx: Ctx) {
	const { locals, params, route, request } = ctx;
	const { scope, base } = requireCourseAuthor(locals, route.id);
	const db = await getDb();
	const course = await requireOwnedCourse(db, scope, params.id);
	return { db, course, actor: actorOf(scope, ctx), at: now(), base: `${base}/${course.id}`, form: await request.formData() };
}

/** Errors are tagged with the form they belong to, so the page shows them beside it. */
function refuse(target: string, errors: FormErrors, extras: Omit<FailureExtras, 'target'> = {}) {
	return formFailure(400, errors, { ...extras, target });
}

function finish(result: Result, target: string, location: string) {
	if (!result.ok) {
		if (result.notFound) error(404, result.errors.form ?? '没有找到');
		return refuse(target, result.errors, { messages: result.problems ?? [] });
	}
	redirect(303, location);
}

const moduleRef = z.object({ module_id: idSchema });
const lessonRef = z.object({ lesson_id: idSchema });
const BAD_REF = { form: '请求不完整，请刷新页面后重试' };

export const actions: Actions = {
	update: async (ctx) => {
		const { db, course, actor, at, base, form } = await begin(ctx);
		const parsed = courseMetaSchema.safeParse(courseMetaFromForm(form));
		if (!parsed.success) return refuse('meta', zodErrors(parsed.error), { values: postedCourseValues(form) });
		const r = await updateCourse(db, actor, course.id, parsed.data, at);
		if (!r.ok && !r.notFound) return refuse('meta', r.errors, { values: postedCourseValues(form), messages: r.problems ?? [] });
		return finish(r, 'meta', `${base}?saved=1#meta`);
	},
	addModule: async (ctx) => {
		const { db, course, actor, at, base, form } = await begin(ctx);
		const title = moduleTitleSchema.safeParse(form.get('title'));
		if (!title.success) return refuse('addModule', { title: title.error.issues[0]!.message });
		const r = await addModule(db, actor, course.id, title.data, at);
		return finish(r, 'addModule', `${base}${r.ok ? `#module-${r.moduleId}` : ''}`);
	},
	renameModule: async (ctx) => {
		const { db, course, actor, at, base, form } = await begin(ctx);
		const parsed = moduleRef.extend({ title: moduleTitleSchema }).safeParse(Object.fromEntries(form));
		if (!parsed.success) return refuse(`module-${form.get('module_id')}`, { title: parsed.error.issues[0]!.message });
		const r = await renameModule(db, actor, course.id, parsed.data.module_id, parsed.data.title, at);
		return finish(r, `module-${parsed.data.module_id}`, `${base}#module-${parsed.data.module_id}`);
	},
	moveModule: async (ctx) => {
		const { db, course, actor, at, base, form } = await begin(ctx);
		const parsed = moduleRef.extend({ direction: directionSchema }).safeParse(Object.fromEntries(form));
		if (!parsed.success) return refuse('outline', BAD_REF);
		const r = await moveModule(db, actor, course.id, parsed.data.module_id, parsed.data.direction, at);
		return finish(r, `module-${parsed.data.module_id}`, `${base}#module-${parsed.data.module_id}`);
	},
	deleteModule: async (ctx) => {
		const { db, course, actor, at, base, form } = await begin(ctx);
		const parsed = moduleRef.safeParse(Object.fromEntries(form));
		if (!parsed.success) return refuse('outline', BAD_REF);
		const r = await deleteModule(db, actor, course.id, parsed.data.module_id, at);
		return finish(r, `module-${parsed.data.module_id}`, `${base}#outline`);
	},
	addLesson: async (ctx) => {
		const { db, course, actor, at, base, form } = await begin(ctx);
		const ref = moduleRef.safeParse(Object.fromEntries(form));
		if (!ref.success) return refuse('outline', BAD_REF);
		const target = `addLesson-${ref.data.module_id}`;
		const parsed = newLessonSchema.safeParse(newLessonFromForm(form));
		if (!parsed.success) return refuse(target, zodErrors(parsed.error), { values: Object.fromEntries([...form].filter(([, v]) => typeof v === 'string')) });
		const r = await addLesson(db, actor, course.id, ref.data.module_id, parsed.data, at);
		return finish(r, target, r.ok ? `${base}/lessons/${r.lessonId}?created=1` : '');
	},
	moveLesson: async (ctx) => {
		const { db, course, actor, at, base, form } = await begin(ctx);
		const parsed = lessonRef.extend({ direction: directionSchema }).safeParse(Object.fromEntries(form));
		if (!parsed.success) return refuse('outline', BAD_REF);
		const r = await moveLesson(db, actor, course.id, parsed.data.lesson_id, parsed.data.direction, at);
		return finish(r, `lesson-${parsed.data.lesson_id}`, `${base}#lesson-${parsed.data.lesson_id}`);
	},
	deleteLesson: async (ctx) => {
		const { db, course, actor, at, base, form } = await begin(ctx);
		const parsed = lessonRef.safeParse(Object.fromEntries(form));
		if (!parsed.success) return refuse('outline', BAD_REF);
		const r = await deleteLesson(db, actor, course.id, parsed.data.lesson_id, at);
		return finish(r, `lesson-${parsed.data.lesson_id}`, `${base}#outline`);
	},
	publish: async (ctx) => {
		const { db, course, actor, at, base } = await begin(ctx);
		return finish(await publishCourse(db, actor, course.id, at), 'status', `${base}?published=1`);
	},
	retire: async (ctx) => {
		const { db, course, actor, at, base } = await begin(ctx);
		return finish(await retireCourse(db, actor, course.id, at), 'status', `${base}?retired=1`);
	}
};
