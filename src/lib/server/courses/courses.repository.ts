import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { Tx } from '../db/transaction.ts';
import type { RoleCategory } from '../../domain/labels.ts';
import type { CourseStatus, LessonKind, TrainingType } from '../../domain/courses.ts';

// All SQL for courses, their modules (章节) and lessons (课时). Positions order modules within
// a course and lessons within a module; the use cases renumber them 1..n after a move.

export type Course = {
	id: number;
	code: string;
	title: string;
	description: string;
	trainingType: TrainingType;
	audienceRoles: RoleCategory[];
	audienceIndustries: string[];
	audienceHighRisk: boolean | null;
	creditHours: number;
	ownerOrgId: number | null;
	status: CourseStatus;
	createdAt: Date;
	updatedAt: Date;
	publishedAt: Date | null;
};

export type CourseModule = { id: number; courseId: number; title: string; position: number };

export type Lesson = {
	id: number;
	courseId: number;
	moduleId: number;
	title: string;
	kind: LessonKind;
	bodyMd: string;
	fileId: number | null;
	videoSeconds: number | null;
	minutes: number;
	position: number;
	file: { name: string; mime: string; sizeBytes: number } | null;
	/** a live class's 回放 lesson (issue 19): no file, 0 minutes, credited on the class page */
	liveClassId: number | null;
};

function jsonArray<T>(v: unknown): T[] {
	const parsed = typeof v === 'string' ? JSON.parse(v) : v;
	return Array.isArray(parsed) ? (parsed as T[]) : [];
}

type CourseRow = {
	id: number;
	code: string;
	title: string;
	description: string;
	training_type: TrainingType;
	audience_roles: unknown;
	audience_industries: unknown;
	audience_high_risk: boolean | null;
	credit_hours: string | number;
	owner_org_id: number | null;
	status: CourseStatus;
	created_at: Date;
	updated_at: Date;
	published_at: Date | null;
};

function toCourse(r: CourseRow): Course {
	return {
		id: r.id,
		code: r.code,
		title: r.title,
		description: r.description,
		trainingType: r.training_type,
		audienceRoles: jsonArray<RoleCategory>(r.audience_roles),
		audienceIndustries: jsonArray<string>(r.audience_industries),
		audienceHighRisk: r.audience_high_risk,
		creditHours: Number(r.credit_hours),
		ownerOrgId: r.owner_org_id,
		status: r.status,
		createdAt: r.created_at,
		updatedAt: r.updated_at,
		publishedAt: r.published_at
	};
}

/** The course if the organisation owns it. */
export async function findOwnedCourse(db: Db, id: number, orgId: number): Promise<Course | undefined> {
	const row = await db.selectFrom('courses').selectAll().where('id', '=', id).where('owner_org_id', '=', orgId).executeTakeFirst();
	return row && toCourse(row);
}

/** The course if the organisation owns it, held until the transaction ends (one change at a time). */
export async function lockOwnedCourse(tx: Tx, id: number, orgId: number): Promise<Course | undefined> {
	const row = await tx.selectFrom('courses').selectAll().where('id', '=', id).where('owner_org_id', '=', orgId).forUpdate().executeTakeFirst();
	return row && toCourse(row);
}

export async function findCourseByCode(db: Db, code: string): Promise<Course | undefined> {
	const row = await db.selectFrom('courses').selectAll().where('code', '=', code).executeTakeFirst();
	return row && toCourse(row);
}

export type CourseValues = {
	title: string;
	description: string;
	trainingType: TrainingType;
	audienceRoles: RoleCategory[];
	audienceIndustries: string[];
	audienceHighRisk: boolean | null;
	creditHours: number;
};

function courseColumns(v: CourseValues) {
	return {
		title: v.title,
		description: v.description,
		training_type: v.trainingType,
		audience_roles: JSON.stringify(v.audienceRoles),
		audience_industries: JSON.stringify(v.audienceIndustries),
		audience_high_risk: v.audienceHighRisk,
		credit_hours: String(v.creditHours)
	};
}

/** Inserts a course; undefined when the code is taken (also when another request took it just now). */
export async function insertCourse(
	db: Db,
	v: CourseValues & { code: string; ownerOrgId: number | null; status: CourseStatus; now: Date }
): Promise<number | undefined> {
	const row = await db
		.insertInto('courses')
		.values({
			...courseColumns(v),
			code: v.code,
			owner_org_id: v.ownerOrgId,
			status: v.status,
			created_at: v.now,
			updated_at: v.now,
			published_at: v.status === 'published' ? v.now : null
		})
		.onConflict((oc) => oc.column('code').doNothing())
		.returning('id')
		.executeTakeFirst();
	return row?.id;
}

export async function updateCourseValues(db: Db, id: number, v: CourseValues, now: Date): Promise<void> {
	await db.updateTable('courses').set({ ...courseColumns(v), updated_at: now }).where('id', '=', id).execute();
}

export async function touchCourse(db: Db, id: number, now: Date): Promise<void> {
	await db.updateTable('courses').set({ updated_at: now }).where('id', '=', id).execute();
}

export async function setCourseStatus(db: Db, id: number, status: CourseStatus, now: Date): Promise<void> {
	await db
		.updateTable('courses')
		.set({ status, updated_at: now, ...(status === 'published' ? { published_at: now } : {}) })
		.where('id', '=', id)
		.execute();
}

export async function listModules(db: Db, courseId: number): Promise<CourseModule[]> {
	const rows = await db.selectFrom('course_modules').selectAll().where('course_id', '=', courseId).orderBy('position').orderBy('id').execute();
	return rows.map((r) => ({ id: r.id, courseId: r.course_id, title: r.title, position: r.position }));
}

export async function insertModule(db: Db, courseId: number, title: string): Promise<number> {
	const row = await db
		.insertInto('course_modules')
		.values({
			course_id: courseId,
			title,
			position: sql<number>`(select coalesce(max(position), 0) + 1 from course_modules where course_id = ${courseId})`
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function renameModuleRow(db: Db, moduleId: number, title: string): Promise<void> {
	await db.updateTable('course_modules').set({ title }).where('id', '=', moduleId).execute();
}

export async function deleteModuleRow(db: Db, moduleId: number): Promise<void> {
	await db.deleteFrom('course_modules').where('id', '=', moduleId).execute();
}

/** Positions 1..n in the given order. */
export async function renumberModules(db: Db, orderedIds: number[]): Promise<void> {
	for (const [i, id] of orderedIds.entries()) await db.updateTable('course_modules').set({ position: i + 1 }).where('id', '=', id).execute();
}

/** Lessons in reading order: by module, then by position within it. */
export async function listLessons(db: Db, courseId: number): Promise<Lesson[]> {
	const rows = await db
		.selectFrom('lessons as l')
		.innerJoin('course_modules as m', 'm.id', 'l.module_id')
		.leftJoin('files as f', 'f.id', 'l.file_id')
		.select([
			'l.id',
			'l.course_id',
			'l.module_id',
			'l.title',
			'l.kind',
			'l.body_md',
			'l.file_id',
			'l.video_seconds',
			'l.minutes',
			'l.position',
			'l.live_class_id',
			'f.name as file_name',
			'f.mime as file_mime',
			'f.size_bytes as file_size'
		])
		.where('l.course_id', '=', courseId)
		.orderBy('m.position')
		.orderBy('m.id')
		.orderBy('l.position')
		.orderBy('l.id')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		courseId: r.course_id,
		moduleId: r.module_id,
		title: r.title,
		kind: r.kind,
		bodyMd: r.body_md,
		fileId: r.file_id,
		videoSeconds: r.video_seconds,
		minutes: r.minutes,
		position: r.position,
		liveClassId: r.live_class_id,
		file: r.file_name !== null && r.file_mime !== null ? { name: r.file_name, mime: r.file_mime, sizeBytes: Number(r.file_size) } : null
	}));
}

export type LessonValues = { title: string; kind: LessonKind; minutes: number; bodyMd: string; fileId: number | null; videoSeconds: number | null };

export async function insertLesson(db: Db, courseId: number, moduleId: number, v: LessonValues): Promise<number> {
	const row = await db
		.insertInto('lessons')
		.values({
			course_id: courseId,
			module_id: moduleId,
			title: v.title,
			kind: v.kind,
			minutes: v.minutes,
			body_md: v.bodyMd,
			file_id: v.fileId,
			video_seconds: v.videoSeconds,
			position: sql<number>`(select coalesce(max(position), 0) + 1 from lessons where module_id = ${moduleId})`
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function updateLessonRow(db: Db, lessonId: number, v: LessonValues): Promise<void> {
	await db
		.updateTable('lessons')
		.set({ title: v.title, kind: v.kind, minutes: v.minutes, body_md: v.bodyMd, file_id: v.fileId, video_seconds: v.videoSeconds })
		.where('id', '=', lessonId)
		.execute();
}

export async function renumberLessons(db: Db, orderedIds: number[]): Promise<void> {
	for (const [i, id] of orderedIds.entries()) await db.updateTable('lessons').set({ position: i + 1 }).where('id', '=', id).execute();
}

export async function deleteLessonRow(db: Db, lessonId: number): Promise<void> {
	await db.deleteFrom('lessons').where('id', '=', lessonId).execute();
}

/** Has any learner studied this lesson (progress, a study lease, a presence check or an event)? */
export async function lessonHasStudyRecords(db: Db, courseId: number, lessonId: number): Promise<boolean> {
	// study_events is large and indexed by enrolment: reach it through the course's enrolments
	const row = await sql<{ found: boolean }>`
		select exists (select 1 from lesson_progress where lesson_id = ${lessonId})
			or exists (select 1 from study_leases where lesson_id = ${lessonId})
			or exists (select 1 from study_checks where lesson_id = ${lessonId})
			or exists (
				select 1 from study_events
				where lesson_id = ${lessonId} and enrolment_id in (select id from enrolments where course_id = ${courseId})
			) as found`.execute(db);
	return row.rows[0]?.found === true;
}

/** The codes among `codes` that name no industry. */
export async function unknownIndustries(db: Db, codes: string[]): Promise<string[]> {
	if (!codes.length) return [];
	const known = new Set((await db.selectFrom('industries').select('code').where('code', 'in', codes).execute()).map((r) => r.code));
	return codes.filter((c) => !known.has(c));
}

// Any constant: two instances seeding one database import the repository courses one at a time.
const COURSE_IMPORT_LOCK_KEY = 7_320_450;

export async function lockCourseImport(db: Db): Promise<void> {
	await sql`select pg_advisory_xact_lock(${COURSE_IMPORT_LOCK_KEY})`.execute(db);
}
