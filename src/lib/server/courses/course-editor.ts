import type { Db } from '../db/index.ts';
import { withTransaction, type Tx } from '../db/transaction.ts';
import type { CourseMeta, Direction, LessonFields, NewCourse, NewLesson } from '../../schemas/course.ts';
import type { LessonKind } from '../../domain/courses.ts';
import { audit, type Actor } from '../audit/actor.ts';
import { getXueshiMinutes } from '../study/requirements.repository.ts';
import { saveFile } from '../files/files.repository.ts';
import type { ValidUpload } from '../files/upload.ts';
import { publishProblems } from './course.ts';
import {
	deleteLessonRow,
	deleteModuleRow,
	findOwnedCourse,
	insertCourse,
	insertLesson,
	insertModule,
	lessonHasStudyRecords,
	listLessons,
	listModules,
	lockOwnedCourse,
	renameModuleRow,
	renumberLessons,
	renumberModules,
	setCourseStatus,
	touchCourse,
	unknownIndustries,
	updateCourseValues,
	updateLessonRow,
	type Course,
	type CourseValues,
	type Lesson
} from './courses.repository.ts';

// Use cases behind the course authoring screens of a training institution. Each opens its
// own transaction, acts only on courses the actor's institution owns, and writes an audit entry.

/** Who writes a course: the shared actor, whose organisation (institution or enterprise) owns the course. */
export type CourseAuthor = Actor & { orgId: number };

export type Refusal = { ok: false; notFound?: true; errors: Record<string, string>; problems?: string[] };
export type Result<T = object> = ({ ok: true } & T) | Refusal;

const courseNotFound: Refusal = { ok: false, notFound: true, errors: { form: '没有这门课程' } };
const moduleNotFound: Refusal = { ok: false, notFound: true, errors: { form: '课程中没有这个章节' } };
const lessonNotFound: Refusal = { ok: false, notFound: true, errors: { form: '课程中没有这个课时' } };

/**
 * Carries a refusal out of a transaction so that everything written in it is rolled back (the use
 * cases are called with the database, so the transaction is their own).
 */
class Refused extends Error {
	constructor(readonly refusal: Refusal) {
		super('refused');
	}
}

function toValues(meta: CourseMeta): CourseValues {
	return {
		title: meta.title,
		description: meta.description,
		trainingType: meta.training_type,
		audienceRoles: meta.audience_roles,
		audienceIndustries: meta.audience_industries,
		audienceHighRisk: meta.audience_high_risk,
		creditHours: meta.credit_hours
	};
}

async function checkIndustries(db: Db, codes: string[]): Promise<Refusal | null> {
	const unknown = await unknownIndustries(db, codes);
	return unknown.length ? { ok: false, errors: { audience_industries: `适用行业中有不存在的行业代码：${unknown.join('、')}` } } : null;
}

function auditCourse(tx: Tx, actor: CourseAuthor, now: Date, action: string, course: Pick<Course, 'id' | 'code'>, detail: Record<string, unknown>) {
	return audit(tx, actor, now, action, `course:${course.code}`, { course_id: course.id, ...detail });
}

/**
 * Runs one change to an owned course in a transaction. A published course must still meet
 * the publishing rules afterwards, or the change is rolled back (learners are studying it).
 */
async function changeCourse<T>(
	db: Db,
	actor: CourseAuthor,
	courseId: number,
	action: string,
	now: Date,
	change: (tx: Tx, course: Course, detail: Record<string, unknown>) => Promise<Result<T>>
): Promise<Result<T>> {
	try {
		return await withTransaction(db, async (tx) => {
			const course = await lockOwnedCourse(tx, courseId, actor.orgId);
			if (!course) throw new Refused(courseNotFound);
			const detail: Record<string, unknown> = {};
			const result = await change(tx, course, detail);
			if (!result.ok) throw new Refused(result);
			if (course.status === 'published') {
				const after = (await findOwnedCourse(tx, courseId, actor.orgId))!;
				const problems = publishProblems(after, await listLessons(tx, courseId), await getXueshiMinutes(tx));
				if (problems.length) {
					throw new Refused({ ok: false, errors: { form: `课程已发布，修改后仍须满足发布条件，本次修改未保存：${problems.join('；')}。如需大幅调整，请先下架课程。` }, problems });
				}
			}
			await touchCourse(tx, courseId, now);
			await auditCourse(tx, actor, now, action, course, detail);
			return result;
		});
	} catch (e) {
		if (e instanceof Refused) return e.refusal;
		throw e;
	}
}

export async function createCourse(db: Db, actor: CourseAuthor, input: NewCourse, now: Date): Promise<Result<{ courseId: number }>> {
	const bad = await checkIndustries(db, input.audience_industries);
	if (bad) return bad;
	return withTransaction(db, async (tx) => {
		const id = await insertCourse(tx, { ...toValues(input), code: input.code, ownerOrgId: actor.orgId, status: 'draft', now });
		if (id === undefined) return { ok: false as const, errors: { code: `课程代码“${input.code}”已被使用，请换一个` } };
		await auditCourse(tx, actor, now, 'course.create', { id, code: input.code }, { title: input.title });
		return { ok: true as const, courseId: id };
	});
}

export async function updateCourse(db: Db, actor: CourseAuthor, courseId: number, meta: CourseMeta, now: Date): Promise<Result> {
	return changeCourse(db, actor, courseId, 'course.update', now, async (tx, course, detail) => {
		const bad = await checkIndustries(tx, meta.audience_industries);
		if (bad) return bad;
		await updateCourseValues(tx, course.id, toValues(meta), now);
		Object.assign(detail, { title: meta.title, credit_hours: meta.credit_hours });
		return { ok: true };
	});
}

export async function addModule(db: Db, actor: CourseAuthor, courseId: number, title: string, now: Date): Promise<Result<{ moduleId: number }>> {
	return changeCourse(db, actor, courseId, 'course.module_add', now, async (tx, course, detail) => {
		const moduleId = await insertModule(tx, course.id, title);
		Object.assign(detail, { module_id: moduleId, title });
		return { ok: true, moduleId };
	});
}

export async function renameModule(db: Db, actor: CourseAuthor, courseId: number, moduleId: number, title: string, now: Date): Promise<Result> {
	return changeCourse(db, actor, courseId, 'course.module_rename', now, async (tx, course, detail) => {
		const m = (await listModules(tx, course.id)).find((x) => x.id === moduleId);
		if (!m) return moduleNotFound;
		await renameModuleRow(tx, moduleId, title);
		Object.assign(detail, { module_id: moduleId, from: m.title, to: title });
		return { ok: true };
	});
}

function moved<T extends { id: number }>(items: T[], id: number, direction: Direction): number[] | null {
	const ids = items.map((x) => x.id);
	const i = ids.indexOf(id);
	if (i < 0) return null;
	const j = direction === 'up' ? i - 1 : i + 1;
	if (j >= 0 && j < ids.length) [ids[i], ids[j]] = [ids[j]!, ids[i]!];
	return ids;
}

export async function moveModule(db: Db, actor: CourseAuthor, courseId: number, moduleId: number, direction: Direction, now: Date): Promise<Result> {
	return changeCourse(db, actor, courseId, 'course.module_move', now, async (tx, course, detail) => {
		const order = moved(await listModules(tx, course.id), moduleId, direction);
		if (!order) return moduleNotFound;
		await renumberModules(tx, order);
		Object.assign(detail, { module_id: moduleId, direction });
		return { ok: true };
	});
}

export async function deleteModule(db: Db, actor: CourseAuthor, courseId: number, moduleId: number, now: Date): Promise<Result> {
	return changeCourse(db, actor, courseId, 'course.module_delete', now, async (tx, course, detail) => {
		const modules = await listModules(tx, course.id);
		const m = modules.find((x) => x.id === moduleId);
		if (!m) return moduleNotFound;
		const lessons = (await listLessons(tx, course.id)).filter((l) => l.moduleId === moduleId);
		if (lessons.length) return { ok: false, errors: { form: `章节“${m.title}”下还有 ${lessons.length} 个课时，请先删除这些课时，再删除章节` } };
		await deleteModuleRow(tx, moduleId);
		await renumberModules(tx, modules.filter((x) => x.id !== moduleId).map((x) => x.id));
		Object.assign(detail, { module_id: moduleId, title: m.title });
		return { ok: true };
	});
}

export async function addLesson(db: Db, actor: CourseAuthor, courseId: number, moduleId: number, input: NewLesson, now: Date): Promise<Result<{ lessonId: number }>> {
	return changeCourse(db, actor, courseId, 'course.lesson_add', now, async (tx, course, detail) => {
		if (!(await listModules(tx, course.id)).some((m) => m.id === moduleId)) return moduleNotFound;
		const lessonId = await insertLesson(tx, course.id, moduleId, { title: input.title, kind: input.kind, minutes: input.minutes, bodyMd: '', fileId: null, videoSeconds: null });
		Object.assign(detail, { lesson_id: lessonId, module_id: moduleId, title: input.title, kind: input.kind, minutes: input.minutes });
		return { ok: true, lessonId };
	});
}

function fileFits(kind: LessonKind, mime: string): boolean {
	return kind === 'pdf' ? mime === 'application/pdf' : kind === 'video' ? mime.startsWith('video/') : false;
}

/**
 * Changes a lesson's fields (those given) and, with an `upload`, stores a new file for it. A file
 * that no longer fits the lesson's type (text, or a PDF on a video lesson) is detached.
 */
export async function updateLesson(
	db: Db,
	actor: CourseAuthor,
	courseId: number,
	lessonId: number,
	patch: Partial<LessonFields>,
	upload: ValidUpload | null,
	now: Date
): Promise<Result<{ fileId: number | null }>> {
	return changeCourse(db, actor, courseId, 'course.lesson_update', now, async (tx, course, detail) => {
		const lesson = (await listLessons(tx, course.id)).find((l) => l.id === lessonId);
		if (!lesson) return lessonNotFound;
		if (lesson.liveClassId !== null) {
			const refused = replayLessonRefusal(lesson, patch, upload);
			if (refused) return refused;
		}
		const kind = patch.kind ?? lesson.kind;
		let fileId = lesson.file && fileFits(kind, lesson.file.mime) ? lesson.fileId : null;
		if (upload) {
			if (kind === 'text') return { ok: false, errors: { file: '图文课时不使用文件：请先把课时类型改为视频或 PDF' } };
			if (upload.kind !== kind) return { ok: false, errors: { file: `文件“${upload.name}”是${upload.kind === 'pdf' ? ' PDF 文档' : '视频'}，与课时类型不符` } };
			const stored = await saveFile(tx, { ownerOrgId: actor.orgId, name: upload.name, mime: upload.mime, data: upload.data, createdBy: actor.userId, now });
			fileId = stored.id;
			detail.file = { id: stored.id, name: stored.name, mime: stored.mime, size: stored.sizeBytes, sha256: stored.sha256 };
		}
		const videoSeconds = kind === 'video' ? (patch.video_seconds !== undefined ? patch.video_seconds : lesson.videoSeconds) : null;
		await updateLessonRow(tx, lesson.id, {
			title: patch.title ?? lesson.title,
			kind,
			minutes: patch.minutes ?? lesson.minutes,
			bodyMd: patch.body_md ?? lesson.bodyMd,
			fileId,
			videoSeconds
		});
		Object.assign(detail, { lesson_id: lesson.id, fields: Object.keys(patch), ...(fileId !== lesson.fileId ? { file_id: fileId, previous_file_id: lesson.fileId } : {}) });
		return { ok: true, fileId };
	});
}

/**
 * A live class's 回放 lesson (issue 19) plays the class's recording and is credited only through the
 * class's attendance (its replay rule), so its kind, length and minutes are not the author's to set:
 * 0 minutes keeps the course's own 学时 total from counting the class a second time.
 */
function replayLessonRefusal(lesson: Lesson, patch: Partial<LessonFields>, upload: ValidUpload | null): Refusal | null {
	if (upload) return { ok: false, errors: { file: '直播回放课时播放直播的录像，不能上传文件' } };
	if (patch.kind !== undefined && patch.kind !== lesson.kind) return { ok: false, errors: { kind: '直播回放课时固定为视频，不能改类型' } };
	if (patch.minutes !== undefined && patch.minutes !== lesson.minutes) {
		return { ok: false, errors: { minutes: '直播回放课时的学时按直播的回放规则计入直播考勤，不能另设计入学时的分钟数' } };
	}
	if (patch.video_seconds !== undefined && patch.video_seconds !== lesson.videoSeconds) return { ok: false, errors: { video_seconds: '直播回放的时长来自录像，不能修改' } };
	return null;
}

export async function moveLesson(db: Db, actor: CourseAuthor, courseId: number, lessonId: number, direction: Direction, now: Date): Promise<Result> {
	return changeCourse(db, actor, courseId, 'course.lesson_move', now, async (tx, course, detail) => {
		const lessons = await listLessons(tx, course.id);
		const lesson = lessons.find((l) => l.id === lessonId);
		if (!lesson) return lessonNotFound;
		await renumberLessons(tx, moved(lessons.filter((l) => l.moduleId === lesson.moduleId), lessonId, direction)!);
		Object.assign(detail, { lesson_id: lessonId, direction });
		return { ok: true };
	});
}

export async function deleteLesson(db: Db, actor: CourseAuthor, courseId: number, lessonId: number, now: Date): Promise<Result> {
	return changeCourse(db, actor, courseId, 'course.lesson_delete', now, async (tx, course, detail) => {
		const lessons = await listLessons(tx, course.id);
		const lesson = lessons.find((l) => l.id === lessonId);
		if (!lesson) return lessonNotFound;
		if (await lessonHasStudyRecords(tx, course.id, lessonId)) {
			return { ok: false, errors: { form: `已有学员学习过课时“${lesson.title}”，为保留学习记录，不能删除；可以修改它，或下架整门课程` } };
		}
		await deleteLessonRow(tx, lessonId);
		await renumberLessons(tx, lessons.filter((l) => l.moduleId === lesson.moduleId && l.id !== lessonId).map((l) => l.id));
		Object.assign(detail, { lesson_id: lessonId, title: lesson.title });
		return { ok: true };
	});
}

/** Draft (or retired) → published, when the course meets the rules; otherwise every reason. */
export async function publishCourse(db: Db, actor: CourseAuthor, courseId: number, now: Date): Promise<Result> {
	return withTransaction(db, async (tx) => {
		const course = await lockOwnedCourse(tx, courseId, actor.orgId);
		if (!course) return courseNotFound;
		if (course.status === 'published') return { ok: false as const, errors: { form: '课程已经发布' } };
		const lessons: Lesson[] = await listLessons(tx, courseId);
		const problems = publishProblems(course, lessons, await getXueshiMinutes(tx));
		if (problems.length) return { ok: false as const, errors: { form: `课程不能发布：${problems.join('；')}` }, problems };
		await setCourseStatus(tx, courseId, 'published', now);
		await auditCourse(tx, actor, now, 'course.publish', course, { from: course.status, lessons: lessons.length, credit_hours: course.creditHours });
		return { ok: true as const };
	});
}

/** Published → retired: learners can no longer study it. */
export async function retireCourse(db: Db, actor: CourseAuthor, courseId: number, now: Date): Promise<Result> {
	return withTransaction(db, async (tx) => {
		const course = await lockOwnedCourse(tx, courseId, actor.orgId);
		if (!course) return courseNotFound;
		if (course.status !== 'published') return { ok: false as const, errors: { form: '只有已发布的课程才能下架' } };
		await setCourseStatus(tx, courseId, 'retired', now);
		await auditCourse(tx, actor, now, 'course.retire', course, {});
		return { ok: true as const };
	});
}
