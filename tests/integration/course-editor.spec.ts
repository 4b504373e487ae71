import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { isHttpError } from '@sveltejs/kit';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser, validIdNumber } from '../support/factories.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import type { Scope } from '../../src/lib/server/auth/guards.ts';
import {
	addLesson,
	addModule,
	createCourse,
	deleteLesson,
	deleteModule,
	moveLesson,
	moveModule,
	publishCourse,
	renameModule,
	retireCourse,
	updateCourse,
	updateLesson,
	type CourseAuthor
} from '../../src/lib/server/courses/course-editor.ts';
import { findOwnedCourse, listLessons, listModules } from '../../src/lib/server/courses/courses.repository.ts';
import { listOwnedCourses } from '../../src/lib/server/courses/courses.query.ts';
import { requireOwnedCourse } from '../../src/lib/server/courses/guard.ts';
import { readFileRange } from '../../src/lib/server/files/files.repository.ts';
import type { ValidUpload } from '../../src/lib/server/files/upload.ts';
import type { NewCourse } from '../../src/lib/schemas/course.ts';

const NOW = new Date('2026-11-26T08:00:00Z');
let codeCounter = 0;

function newCourse(extra: Partial<NewCourse> = {}): NewCourse {
	return {
		code: `course-${++codeCounter}-${randomBytes(3).toString('hex')}`,
		title: '主要负责人年度再培训',
		description: '',
		training_type: 'annual',
		audience_roles: ['principal', 'safety_manager'],
		audience_industries: ['it_machinery'],
		audience_high_risk: null,
		credit_hours: 1,
		...extra
	};
}

const pdfUpload = (bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(300_000)])): ValidUpload => ({ kind: 'pdf', name: '应急处置卡.pdf', mime: 'application/pdf', size: bytes.length, data: new Uint8Array(bytes) });
const videoUpload = (): ValidUpload => {
	const bytes = Buffer.concat([Buffer.from([0x1a, 0x45, 0xdf, 0xa3]), randomBytes(1000)]);
	return { kind: 'video', name: '两单两卡.webm', mime: 'video/webm', size: bytes.length, data: new Blob([bytes]) };
};

async function audits(db: Db, action: string) {
	return db.selectFrom('audit_log').select(['action', 'target', 'detail', 'actor_user_id']).where('action', '=', action).execute();
}

describe.each(BACKENDS)('course authoring (%s)', (backend) => {
	let t: TestDatabase;
	let db: Db;
	let actor: CourseAuthor;
	let other: CourseAuthor;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		db = t.db;
		const instA = await makeOrg(db, 'institution');
		const instB = await makeOrg(db, 'institution');
		const userA = await makeUser(db, { role: 'institution_admin', orgId: instA });
		const userB = await makeUser(db, { role: 'institution_admin', orgId: instB });
		actor = { userId: userA.id, role: 'institution_admin', orgId: instA, personId: null, ip: '10.0.0.1' };
		other = { userId: userB.id, role: 'institution_admin', orgId: instB, personId: null, ip: '10.0.0.2' };
	});
	afterAll(async () => t?.close());

	async function create(extra: Partial<NewCourse> = {}) {
		const r = await createCourse(db, actor, newCourse(extra), NOW);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		return r.courseId;
	}
	async function moduleIn(courseId: number, title = '第一章') {
		const r = await addModule(db, actor, courseId, title, NOW);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		return r.moduleId;
	}
	async function lessonIn(courseId: number, moduleId: number, input: { title?: string; kind?: 'text' | 'video' | 'pdf'; minutes?: number } = {}) {
		const r = await addLesson(db, actor, courseId, moduleId, { title: input.title ?? '第一节', kind: input.kind ?? 'text', minutes: input.minutes ?? 45 }, NOW);
		if (!r.ok) throw new Error(JSON.stringify(r.errors));
		return r.lessonId;
	}

	it('creates a draft course owned by the institution, and audits it', async () => {
		const input = newCourse({ title: '三级安全教育', training_type: 'three_level', audience_high_risk: true, credit_hours: 24.5 });
		const r = await createCourse(db, actor, input, NOW);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		const course = (await findOwnedCourse(db, r.courseId, actor.orgId))!;
		expect(course).toMatchObject({
			code: input.code,
			title: '三级安全教育',
			trainingType: 'three_level',
			audienceRoles: ['principal', 'safety_manager'],
			audienceIndustries: ['it_machinery'],
			audienceHighRisk: true,
			creditHours: 24.5,
			ownerOrgId: actor.orgId,
			status: 'draft',
			publishedAt: null
		});
		const entry = (await audits(db, 'course.create')).find((a) => a.target === `course:${input.code}`);
		expect(entry?.actor_user_id).toBe(actor.userId);
		expect((await listOwnedCourses(db, actor.orgId)).map((c) => c.id)).toContain(r.courseId);
	});

	it('refuses a taken code and unknown industries, in Chinese, naming the field', async () => {
		const input = newCourse();
		expect((await createCourse(db, actor, input, NOW)).ok).toBe(true);
		expect(await createCourse(db, other, { ...input, title: '另一个' }, NOW)).toEqual({ ok: false, errors: { code: `课程代码“${input.code}”已被使用，请换一个` } });
		expect(await createCourse(db, actor, newCourse({ audience_industries: ['it_machinery', 'no_such'] }), NOW)).toEqual({
			ok: false,
			errors: { audience_industries: '适用行业中有不存在的行业代码：no_such' }
		});
	});

	it('adds, renames, reorders and deletes modules', async () => {
		const courseId = await create();
		const m1 = await moduleIn(courseId, '第一章');
		const m2 = await moduleIn(courseId, '第二章');
		const m3 = await moduleIn(courseId, '第三章');
		const order = async () => (await listModules(db, courseId)).map((m) => m.title);
		expect(await order()).toEqual(['第一章', '第二章', '第三章']);
		expect((await moveModule(db, actor, courseId, m3, 'up', NOW)).ok).toBe(true);
		expect(await order()).toEqual(['第一章', '第三章', '第二章']);
		expect((await moveModule(db, actor, courseId, m1, 'down', NOW)).ok).toBe(true);
		expect(await order()).toEqual(['第三章', '第一章', '第二章']);
		// at the edge a move changes nothing
		expect((await moveModule(db, actor, courseId, m3, 'up', NOW)).ok).toBe(true);
		expect(await order()).toEqual(['第三章', '第一章', '第二章']);
		expect((await renameModule(db, actor, courseId, m2, '第二章 应急管理', NOW)).ok).toBe(true);
		expect(await order()).toEqual(['第三章', '第一章', '第二章 应急管理']);

		await lessonIn(courseId, m1);
		expect(await deleteModule(db, actor, courseId, m1, NOW)).toEqual({ ok: false, errors: { form: '章节“第一章”下还有 1 个课时，请先删除这些课时，再删除章节' } });
		expect((await deleteModule(db, actor, courseId, m3, NOW)).ok).toBe(true);
		expect((await listModules(db, courseId)).map((m) => [m.title, m.position])).toEqual([
			['第一章', 1],
			['第二章 应急管理', 2]
		]);
		expect((await audits(db, 'course.module_move')).length).toBeGreaterThanOrEqual(3);
	});

	it('adds lessons and reorders them within their module only', async () => {
		const courseId = await create();
		const m1 = await moduleIn(courseId, '第一章');
		const m2 = await moduleIn(courseId, '第二章');
		const a = await lessonIn(courseId, m1, { title: 'A' });
		const b = await lessonIn(courseId, m1, { title: 'B' });
		const c = await lessonIn(courseId, m1, { title: 'C' });
		const d = await lessonIn(courseId, m2, { title: 'D' });
		const order = async () => (await listLessons(db, courseId)).map((l) => l.title);
		expect(await order()).toEqual(['A', 'B', 'C', 'D']);
		expect((await moveLesson(db, actor, courseId, c, 'up', NOW)).ok).toBe(true);
		expect(await order()).toEqual(['A', 'C', 'B', 'D']);
		expect((await moveLesson(db, actor, courseId, a, 'down', NOW)).ok).toBe(true);
		expect(await order()).toEqual(['C', 'A', 'B', 'D']);
		// the last lesson of 第一章 does not jump into 第二章, nor D into 第一章
		expect((await moveLesson(db, actor, courseId, b, 'down', NOW)).ok).toBe(true);
		expect((await moveLesson(db, actor, courseId, d, 'up', NOW)).ok).toBe(true);
		expect(await order()).toEqual(['C', 'A', 'B', 'D']);
		expect((await listLessons(db, courseId)).filter((l) => l.moduleId === m1).map((l) => l.position)).toEqual([1, 2, 3]);
		// a module of another course is not this course's
		const elsewhere = await moduleIn(await create(), '别处');
		expect(await addLesson(db, actor, courseId, elsewhere, { title: 'X', kind: 'text', minutes: 5 }, NOW)).toMatchObject({ ok: false, notFound: true });
	});

	it('updates a lesson and stores an uploaded file for it', async () => {
		const courseId = await create();
		const m = await moduleIn(courseId);
		const lessonId = await lessonIn(courseId, m, { kind: 'text' });
		expect((await updateLesson(db, actor, courseId, lessonId, { title: '第一节 安全生产法', minutes: 30, body_md: '# 总则' }, null, NOW)).ok).toBe(true);
		let lesson = (await listLessons(db, courseId))[0]!;
		expect(lesson).toMatchObject({ title: '第一节 安全生产法', minutes: 30, bodyMd: '# 总则', kind: 'text', fileId: null });

		// a file for a text lesson, or of the wrong type, is refused
		expect(await updateLesson(db, actor, courseId, lessonId, {}, pdfUpload(), NOW)).toEqual({ ok: false, errors: { file: '图文课时不使用文件：请先把课时类型改为视频或 PDF' } });
		expect(await updateLesson(db, actor, courseId, lessonId, { kind: 'video' }, pdfUpload(), NOW)).toEqual({ ok: false, errors: { file: '文件“应急处置卡.pdf”是 PDF 文档，与课时类型不符' } });
		expect((await listLessons(db, courseId))[0]!.kind).toBe('text'); // rolled back

		const upload = pdfUpload();
		const r = await updateLesson(db, actor, courseId, lessonId, { kind: 'pdf' }, upload, NOW);
		expect(r.ok).toBe(true);
		lesson = (await listLessons(db, courseId))[0]!;
		expect(lesson).toMatchObject({ kind: 'pdf', file: { name: '应急处置卡.pdf', mime: 'application/pdf', sizeBytes: upload.size } });
		const stored = await db.selectFrom('files').selectAll().where('id', '=', lesson.fileId!).executeTakeFirstOrThrow();
		expect(stored.owner_org_id).toBe(actor.orgId);
		expect(stored.created_by).toBe(actor.userId);
		expect(Buffer.from(await readFileRange(db, lesson.fileId!, 0, upload.size - 1)).equals(Buffer.from(upload.data as Uint8Array))).toBe(true);
		const audit = (await audits(db, 'course.lesson_update')).at(-1)!;
		expect(JSON.stringify(audit.detail)).toContain('应急处置卡.pdf');

		// a video lesson keeps its length; back to text, the file is detached
		expect((await updateLesson(db, actor, courseId, lessonId, { kind: 'video', video_seconds: 90 }, videoUpload(), NOW)).ok).toBe(true);
		expect((await listLessons(db, courseId))[0]).toMatchObject({ kind: 'video', videoSeconds: 90, file: { mime: 'video/webm' } });
		expect((await updateLesson(db, actor, courseId, lessonId, { kind: 'text' }, null, NOW)).ok).toBe(true);
		expect((await listLessons(db, courseId))[0]).toMatchObject({ kind: 'text', fileId: null, videoSeconds: null });
	});

	it('refuses to publish, with every reason in Chinese', async () => {
		const courseId = await create({ credit_hours: 2 });
		expect(await publishCourse(db, actor, courseId, NOW)).toEqual({
			ok: false,
			errors: { form: '课程不能发布：课程还没有课时：请至少添加一个课时' },
			problems: ['课程还没有课时：请至少添加一个课时']
		});
		const m = await moduleIn(courseId);
		await lessonIn(courseId, m, { title: '第一节', kind: 'text', minutes: 45 });
		await lessonIn(courseId, m, { title: '事故案例视频', kind: 'video', minutes: 10 });
		await lessonIn(courseId, m, { title: '应急处置卡', kind: 'pdf', minutes: 5 });
		const r = await publishCourse(db, actor, courseId, NOW);
		expect(r.ok).toBe(false);
		if (r.ok) return;
		expect(r.problems).toEqual([
			'课时“事故案例视频”是视频课时，但还没有上传文件',
			'课时“应急处置卡”是 PDF 课时，但还没有上传文件',
			'课程学时 2 超过课时合计：全部课时共 60 分钟，按 1 学时 = 45 分钟折合 1.3 学时；请增加课时，或把课程学时改为不超过 1.3'
		]);
		expect(r.errors.form).toContain('课程不能发布：');
		expect((await findOwnedCourse(db, courseId, actor.orgId))!.status).toBe('draft');
	});

	it('publishes, keeps a published course publishable, retires and republishes', async () => {
		const courseId = await create({ credit_hours: 1 });
		const m = await moduleIn(courseId);
		const text = await lessonIn(courseId, m, { kind: 'text', minutes: 40 });
		const pdf = await lessonIn(courseId, m, { kind: 'pdf', minutes: 5 });
		expect((await updateLesson(db, actor, courseId, pdf, {}, pdfUpload(), NOW)).ok).toBe(true);
		const later = new Date(NOW.getTime() + 60_000);
		expect(await publishCourse(db, actor, courseId, later)).toEqual({ ok: true });
		expect(await findOwnedCourse(db, courseId, actor.orgId)).toMatchObject({ status: 'published', publishedAt: later });
		expect(await publishCourse(db, actor, courseId, NOW)).toEqual({ ok: false, errors: { form: '课程已经发布' } });
		expect((await audits(db, 'course.publish')).some((a) => a.target?.startsWith('course:'))).toBe(true);

		// learners are studying it: a change that breaks the rules is rolled back
		const broken = await updateLesson(db, actor, courseId, text, { minutes: 10 }, null, NOW);
		expect(broken.ok).toBe(false);
		if (!broken.ok) expect(broken.problems).toEqual(['课程学时 1 超过课时合计：全部课时共 15 分钟，按 1 学时 = 45 分钟折合 0.3 学时；请增加课时，或把课程学时改为不超过 0.3']);
		expect((await listLessons(db, courseId)).find((l) => l.id === text)!.minutes).toBe(40);
		const unfiled = await addLesson(db, actor, courseId, m, { title: '新视频', kind: 'video', minutes: 5 }, NOW);
		expect(unfiled.ok).toBe(false);
		expect((await listLessons(db, courseId)).length).toBe(2);
		// a harmless change goes through
		expect((await updateLesson(db, actor, courseId, text, { title: '第一节（修订）' }, null, NOW)).ok).toBe(true);

		expect(await retireCourse(db, actor, courseId, NOW)).toEqual({ ok: true });
		expect((await findOwnedCourse(db, courseId, actor.orgId))!.status).toBe('retired');
		expect(await retireCourse(db, actor, courseId, NOW)).toEqual({ ok: false, errors: { form: '只有已发布的课程才能下架' } });
		expect((await audits(db, 'course.retire')).length).toBeGreaterThanOrEqual(1);
		expect(await publishCourse(db, actor, courseId, NOW)).toEqual({ ok: true });
	});

	it('refuses to delete a lesson that a learner has studied', async () => {
		const courseId = await create();
		const m = await moduleIn(courseId);
		const studied = await lessonIn(courseId, m, { title: '已学课时' });
		const fresh = await lessonIn(courseId, m, { title: '新课时' });
		const enterprise = await makeOrg(db, 'enterprise');
		const person = await db.insertInto('persons').values({ name: '孙学员', id_number: validIdNumber(), org_id: enterprise, role_category: 'principal' }).returning('id').executeTakeFirstOrThrow();
		const enrolment = await db.insertInto('enrolments').values({ person_id: person.id, course_id: courseId, plan_year: 2026, source: 'manual', created_at: NOW }).returning('id').executeTakeFirstOrThrow();
		await db.insertInto('lesson_progress').values({ enrolment_id: enrolment.id, lesson_id: studied, credited_seconds: 30, first_at: NOW, last_at: NOW }).execute();

		expect(await deleteLesson(db, actor, courseId, studied, NOW)).toEqual({ ok: false, errors: { form: '已有学员学习过课时“已学课时”，为保留学习记录，不能删除；可以修改它，或下架整门课程' } });
		// a study event alone (say, a refused heartbeat) is evidence too
		const evidenced = await lessonIn(courseId, m, { title: '有记录课时' });
		await db.insertInto('study_events').values({ at: NOW, person_id: person.id, enrolment_id: enrolment.id, lesson_id: evidenced, kind: 'refused', reason: 'test' }).execute();
		expect((await deleteLesson(db, actor, courseId, evidenced, NOW)).ok).toBe(false);
		expect((await listLessons(db, courseId)).map((l) => l.title)).toEqual(['已学课时', '新课时', '有记录课时']);
		expect((await deleteLesson(db, actor, courseId, fresh, NOW)).ok).toBe(true);
		expect((await listLessons(db, courseId)).map((l) => [l.title, l.position])).toEqual([
			['已学课时', 1],
			['有记录课时', 2]
		]);
		expect((await audits(db, 'course.lesson_delete')).length).toBeGreaterThanOrEqual(1);
	});

	it('should not let another institution see or change the course', async () => {
		const courseId = await create();
		const m = await moduleIn(courseId);
		const lessonId = await lessonIn(courseId, m);
		const auditBefore = (await db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n;
		const notFound = { ok: false, notFound: true, errors: { form: '没有这门课程' } };
		expect(await updateCourse(db, other, courseId, { ...newCourse(), title: '改名' }, NOW)).toEqual(notFound);
		expect(await addModule(db, other, courseId, '外来章节', NOW)).toEqual(notFound);
		expect(await renameModule(db, other, courseId, m, '外来', NOW)).toEqual(notFound);
		expect(await moveModule(db, other, courseId, m, 'up', NOW)).toEqual(notFound);
		expect(await deleteModule(db, other, courseId, m, NOW)).toEqual(notFound);
		expect(await addLesson(db, other, courseId, m, { title: 'x', kind: 'text', minutes: 1 }, NOW)).toEqual(notFound);
		expect(await updateLesson(db, other, courseId, lessonId, { title: '外来' }, pdfUpload(), NOW)).toEqual(notFound);
		expect(await moveLesson(db, other, courseId, lessonId, 'down', NOW)).toEqual(notFound);
		expect(await deleteLesson(db, other, courseId, lessonId, NOW)).toEqual(notFound);
		expect(await publishCourse(db, other, courseId, NOW)).toEqual(notFound);
		expect(await retireCourse(db, other, courseId, NOW)).toEqual(notFound);
		// nothing changed, nothing audited
		expect((await findOwnedCourse(db, courseId, actor.orgId))!.title).toBe('主要负责人年度再培训');
		expect((await listLessons(db, courseId)).map((l) => l.title)).toEqual(['第一节']);
		expect((await db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n).toBe(auditBefore);
		expect(await listOwnedCourses(db, other.orgId)).toEqual([]);

		// the route guard answers 404 for it, and for ids that are not ids
		const scopeOf = (a: CourseAuthor): Scope => ({ userId: a.userId!, personId: null, role: 'institution_admin', membershipId: 1, orgId: a.orgId, orgKind: 'institution', regionCode: '500112', regionPath: '/500000/500112/' });
		expect((await requireOwnedCourse(db, scopeOf(actor), String(courseId))).id).toBe(courseId);
		for (const raw of [String(courseId), 'abc', '-1', '99999999999']) {
			const thrown = await requireOwnedCourse(db, scopeOf(other), raw).then(
				() => null,
				(e: unknown) => e
			);
			expect(isHttpError(thrown) && thrown.status, raw).toBe(404);
		}
	});
});
