import { z } from 'zod';
import { ROLE_CATEGORIES } from '../domain/labels.ts';
import { LESSON_KINDS, TRAINING_TYPES } from '../domain/courses.ts';

// Course, module and lesson input: shared by the authoring forms, the use cases and the
// seeds/courses/*/course.yaml loader. Messages name the field in Chinese.

const text = (field: string, max: number) =>
	z
		.string({ error: `请填写${field}` })
		.trim()
		.min(1, `请填写${field}`)
		.max(max, `${field}最多${max}个字符`);

export const courseCodeSchema = z
	.string({ error: '请填写课程代码' })
	.trim()
	.regex(/^[a-z0-9][a-z0-9-]{1,63}$/, '课程代码只能包含小写字母、数字和连字符，以字母或数字开头（2–64位）');

export const creditHoursSchema = z
	.number({ error: '学时必须是数字' })
	.positive('学时必须大于 0')
	.max(200, '学时不能超过 200')
	.refine((n) => Math.abs(Math.round(n * 10) - n * 10) < 1e-9, '学时最多保留一位小数');

export const courseMetaSchema = z.object({
	title: text('课程名称', 100),
	description: z.string({ error: '课程简介必须是文字' }).trim().max(2000, '课程简介最多2000个字符').default(''),
	training_type: z.enum(TRAINING_TYPES, { error: '请选择培训类型（初次培训、年度再培训、三级安全教育、转岗复岗或专题）' }),
	audience_roles: z
		.array(z.enum(ROLE_CATEGORIES, { error: '适用人员类别不正确' }), { error: '适用人员类别必须是列表' })
		.max(ROLE_CATEGORIES.length)
		.default([]),
	audience_industries: z
		.array(z.string().regex(/^[a-z0-9_]{1,40}$/, '适用行业代码格式不正确'), { error: '适用行业必须是列表' })
		.max(50, '适用行业最多50个')
		.default([]),
	audience_high_risk: z.boolean({ error: '是否高危行业必须是 true、false 或 null' }).nullable().default(null),
	credit_hours: creditHoursSchema
});
export type CourseMeta = z.infer<typeof courseMetaSchema>;

export const newCourseSchema = courseMetaSchema.extend({ code: courseCodeSchema });
export type NewCourse = z.infer<typeof newCourseSchema>;

export const moduleTitleSchema = text('章节名称', 100);

export const lessonKindSchema = z.enum(LESSON_KINDS, { error: '课时类型必须是图文、视频或 PDF' });

export const lessonMinutesSchema = z
	.number({ error: '课时时长必须是整数分钟' })
	.int('课时时长必须是整数分钟')
	.min(1, '课时时长至少 1 分钟')
	.max(600, '课时时长最多 600 分钟');

export const videoSecondsSchema = z
	.number({ error: '视频时长必须是整数秒' })
	.int('视频时长必须是整数秒')
	.min(1, '视频时长至少 1 秒')
	.max(86_400, '视频时长不能超过 24 小时');

export const newLessonSchema = z.object({
	title: text('课时名称', 100),
	kind: lessonKindSchema,
	minutes: lessonMinutesSchema
});
export type NewLesson = z.infer<typeof newLessonSchema>;

export const lessonFieldsSchema = newLessonSchema.extend({
	body_md: z.string({ error: '正文必须是文字' }).max(100_000, '正文最多100000个字符').default(''),
	video_seconds: videoSecondsSchema.nullable().default(null)
});
export type LessonFields = z.infer<typeof lessonFieldsSchema>;

/** A live class's 回放 lesson: the author sets its name and text; kind, length and minutes are the class's. */
export const replayLessonFieldsSchema = lessonFieldsSchema.partial({ kind: true, minutes: true }).extend({
	kind: lessonKindSchema.optional(),
	minutes: z.number({ error: '课时时长必须是整数分钟' }).int('课时时长必须是整数分钟').optional(),
	video_seconds: videoSecondsSchema.nullish().transform((v) => v ?? undefined)
});

export const directionSchema = z.enum(['up', 'down'], { error: '移动方向不正确' });
export type Direction = z.infer<typeof directionSchema>;

/** A record id from a URL or form (the one canonical rule, see params.ts). */
export { idSchema } from './params.ts';

// ---- HTML forms send strings; these turn FormData into the typed candidates above. ----

function str(form: FormData, key: string): string | undefined {
	const v = form.get(key);
	return typeof v === 'string' ? v : undefined;
}

/** '' and missing → undefined (so the schema says "请填写"), otherwise a number (NaN → "必须是数字"). */
function num(form: FormData, key: string): number | undefined {
	const v = str(form, key)?.trim();
	return v ? Number(v.normalize('NFKC')) : undefined;
}

export function courseMetaFromForm(form: FormData) {
	const risk = str(form, 'audience_high_risk');
	return {
		title: str(form, 'title'),
		description: str(form, 'description') ?? '',
		training_type: str(form, 'training_type'),
		audience_roles: form.getAll('audience_roles').filter((v) => typeof v === 'string'),
		audience_industries: form.getAll('audience_industries').filter((v) => typeof v === 'string'),
		audience_high_risk: risk === 'true' ? true : risk === 'false' ? false : null,
		credit_hours: num(form, 'credit_hours')
	};
}

export function newCourseFromForm(form: FormData) {
	return { ...courseMetaFromForm(form), code: str(form, 'code') };
}

export function newLessonFromForm(form: FormData) {
	return { title: str(form, 'title'), kind: str(form, 'kind'), minutes: num(form, 'minutes') };
}

export function lessonFieldsFromForm(form: FormData) {
	return { ...newLessonFromForm(form), body_md: (str(form, 'body_md') ?? '').replace(/\r\n/g, '\n'), video_seconds: num(form, 'video_seconds') ?? null };
}
