import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg } from '../support/factories.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { loadCourseDirs, syncRepositoryCourses } from '../../src/lib/server/courses/course-files.ts';
import { findCourseByCode, listLessons, listModules } from '../../src/lib/server/courses/courses.repository.ts';
import { readFileRange } from '../../src/lib/server/files/files.repository.ts';

const FIXTURES = 'tests/fixtures/courses';
const NOW = new Date('2026-11-26T08:00:00Z');

function copyFixtures(): string {
	const dir = mkdtempSync(join(tmpdir(), 'anxun-courses-'));
	cpSync(FIXTURES, dir, { recursive: true });
	return dir;
}

const COUNTED = ['courses', 'course_modules', 'lessons', 'files', 'file_chunks', 'audit_log'] as const;

async function counts(db: Db) {
	const out = {} as Record<(typeof COUNTED)[number], number>;
	for (const table of COUNTED) {
		const row = await db.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
		out[table] = Number(row.n);
	}
	return out;
}

describe('loadCourseDirs', () => {
	it('reads the fixture courses with their texts and media', () => {
		const { courses, problems } = loadCourseDirs(FIXTURES);
		expect(problems).toEqual([]);
		expect(courses.map((c) => c.course.code)).toEqual(['fixture-safety', 'fixture-topic']);
		const safety = courses[0]!;
		expect(safety.course).toMatchObject({ title: '测试课程：安全生产基础', training_type: 'annual', credit_hours: 1, audience_roles: ['principal', 'safety_manager'], audience_industries: ['it_machinery'], audience_high_risk: null });
		expect(safety.modules.map((m) => m.title)).toEqual(['第一章 法律法规', '第二章 应急处置']);
		const [text, video] = safety.modules[0]!.lessons;
		expect(text!.bodyMd).toContain('# 安全生产方针');
		expect(video).toMatchObject({ kind: 'video', minutes: 2, videoSeconds: 2, media: { name: 'tiny.webm', mime: 'video/webm' } });
		expect(safety.modules[1]!.lessons[0]!.media).toMatchObject({ name: 'tiny.pdf', mime: 'application/pdf' });
	});

	it('reports every problem with its file instead of throwing', () => {
		const dir = copyFixtures();
		// broken YAML
		mkdirSync(join(dir, 'broken'));
		writeFileSync(join(dir, 'broken/course.yaml'), 'code: broken\ntitle: [未闭合\n');
		// a folder without course.yaml
		mkdirSync(join(dir, 'empty-folder'));
		// fields that break the schema
		mkdirSync(join(dir, 'bad-fields'));
		writeFileSync(
			join(dir, 'bad-fields/course.yaml'),
			[
				'code: bad-fields',
				'title: ""',
				'training_type: yearly',
				'credit_hours: 1',
				'audience_roles: [boss]',
				'modules:',
				'  - title: 第一章',
				'    lessons:',
				'      - { title: 零分钟, kind: text, minutes: 0, body: x.md }',
				'      - { title: 无正文, kind: text, minutes: 5 }',
				'      - { title: 无时长视频, kind: video, minutes: 5, file: ../media/tiny.webm }',
				'      - { title: 音频, kind: audio, minutes: 5 }'
			].join('\n')
		);
		// files that are missing, of the wrong type, outside the folder, and a code that differs from the folder
		mkdirSync(join(dir, 'bad-files/lessons'), { recursive: true });
		writeFileSync(join(dir, 'media/fake.pdf'), '<html>not a pdf</html>');
		writeFileSync(
			join(dir, 'bad-files/course.yaml'),
			[
				'code: other-code',
				'title: 文件有问题的课程',
				'training_type: topic',
				'credit_hours: 5',
				'audience_roles: []',
				'modules:',
				'  - title: 第一章',
				'    lessons:',
				'      - { title: 缺正文, kind: text, minutes: 5, body: lessons/missing.md }',
				'      - { title: 假PDF, kind: pdf, minutes: 5, file: ../media/fake.pdf }',
				'      - { title: 越界, kind: pdf, minutes: 5, file: ../../../etc/passwd.pdf }',
				'      - { title: 类型不符, kind: video, minutes: 5, file: ../media/tiny.pdf, video_seconds: 3 }'
			].join('\n')
		);
		const { courses, problems } = loadCourseDirs(dir);
		expect(courses.map((c) => c.course.code)).toEqual(['fixture-safety', 'fixture-topic']);
		const of = (folder: string) => problems.filter((p) => p.file === `${folder}/course.yaml`).map((p) => p.message);
		expect(of('broken')).toHaveLength(1);
		expect(of('broken')[0]).toMatch(/^YAML 解析失败：/);
		expect(of('empty-folder')).toEqual(['缺少 course.yaml']);
		expect(of('bad-fields')).toEqual(
			expect.arrayContaining([
				'title：请填写课程名称',
				'training_type：请选择培训类型（初次培训、年度再培训、三级安全教育、转岗复岗或专题）',
				'audience_roles.0：适用人员类别不正确',
				'第1章第1个课时 minutes：课时时长至少 1 分钟',
				'第1章第2个课时 body：图文课时须有正文文件（body: lessons/xx.md）',
				'第1章第3个课时 video_seconds：视频课时须填写视频时长（video_seconds，秒）',
				'第1章第4个课时 kind：课时类型必须是图文、视频或 PDF'
			])
		);
		expect(of('bad-files')).toEqual([
			'课程代码“other-code”应与目录名“bad-files”相同',
			'第1章第1个课时“缺正文”：找不到正文文件 lessons/missing.md',
			'第1章第2个课时“假PDF”：文件“fake.pdf”不是 PDF 文档（内容应以 %PDF- 开头），请重新选择',
			'第1章第3个课时“越界”：文件 ../../../etc/passwd.pdf 不在课程目录内',
			'第1章第4个课时“类型不符”：文件 ../media/tiny.pdf 与课时类型（video）不符'
		]);
	});

	it('applies the publishing rules: 学时 may not exceed the lessons', () => {
		const dir = copyFixtures();
		const file = join(dir, 'fixture-topic/course.yaml');
		writeFileSync(file, readFileSync(file, 'utf8').replace('credit_hours: 0.1', 'credit_hours: 3'));
		const { problems } = loadCourseDirs(dir);
		expect(problems).toEqual([{ file: 'fixture-topic/course.yaml', message: '课程学时 3 超过课时合计：全部课时共 5 分钟，按 1 学时 = 45 分钟折合 0.1 学时；请增加课时，或把课程学时改为不超过 0.1' }]);
	});

	it('reports a missing folder', () => {
		expect(loadCourseDirs('tests/fixtures/no-such-folder').problems).toEqual([{ file: 'tests/fixtures/no-such-folder', message: '课程目录不存在' }]);
	});
});

describe.each(BACKENDS)('syncRepositoryCourses (%s)', (backend) => {
	let t: TestDatabase;
	let institution: number;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		institution = await makeOrg(t.db, 'institution');
	});
	afterAll(async () => t?.close());

	it('inserts the courses as published, then a second run changes nothing', async () => {
		const before = await counts(t.db);
		expect(await syncRepositoryCourses(t.db, FIXTURES, institution, NOW)).toEqual({ added: ['fixture-safety', 'fixture-topic'], unchanged: [] });
		const course = (await findCourseByCode(t.db, 'fixture-safety'))!;
		expect(course).toMatchObject({ status: 'published', publishedAt: NOW, ownerOrgId: institution, creditHours: 1, trainingType: 'annual', audienceIndustries: ['it_machinery'] });
		expect((await listModules(t.db, course.id)).map((m) => m.title)).toEqual(['第一章 法律法规', '第二章 应急处置']);
		const lessons = await listLessons(t.db, course.id);
		expect(lessons.map((l) => [l.title, l.kind, l.minutes])).toEqual([
			['第一节 安全生产方针', 'text', 40],
			['第二节 两单两卡介绍', 'video', 2],
			['第一节 应急处置卡', 'pdf', 5]
		]);
		expect(lessons[0]!.bodyMd).toContain('**安全第一、预防为主、综合治理**');
		expect(lessons[1]).toMatchObject({ videoSeconds: 2, file: { name: 'tiny.webm', mime: 'video/webm' } });
		const webm = readFileSync(join(FIXTURES, 'media/tiny.webm'));
		expect(Buffer.from(await readFileRange(t.db, lessons[1]!.fileId!, 0, webm.length - 1)).equals(webm)).toBe(true);
		// the PDF both courses use is stored once, owned by the institution
		const topic = await listLessons(t.db, (await findCourseByCode(t.db, 'fixture-topic'))!.id);
		expect(topic[0]!.fileId).toBe(lessons[2]!.fileId);
		const added = await counts(t.db);
		expect(added.courses - before.courses).toBe(2);
		expect(added.lessons - before.lessons).toBe(4);
		expect(added.files - before.files).toBe(2);
		const imports = await t.db.selectFrom('audit_log').select('target').where('action', '=', 'course.import').execute();
		expect(imports.map((a) => a.target).sort()).toEqual(['course:fixture-safety', 'course:fixture-topic']);

		expect(await syncRepositoryCourses(t.db, FIXTURES, institution, new Date(NOW.getTime() + 86_400_000))).toEqual({ added: [], unchanged: ['fixture-safety', 'fixture-topic'] });
		expect(await counts(t.db)).toEqual(added);
		expect((await findCourseByCode(t.db, 'fixture-safety'))!.publishedAt).toEqual(NOW);
	});

	it('imports nothing when any course has a problem', async () => {
		const dir = copyFixtures();
		writeFileSync(join(dir, 'fixture-safety/course.yaml'), 'code: fixture-safety\nmodules: 3\n');
		cpSync(join(FIXTURES, 'fixture-topic'), join(dir, 'fixture-new'), { recursive: true });
		writeFileSync(join(dir, 'fixture-new/course.yaml'), readFileSync(join(dir, 'fixture-new/course.yaml'), 'utf8').replace('code: fixture-topic', 'code: fixture-new'));
		const before = await counts(t.db);
		await expect(syncRepositoryCourses(t.db, dir, institution, NOW)).rejects.toThrow(/^课程检查未通过，未导入任何内容：\nfixture-safety\/course.yaml: /);
		expect(await counts(t.db)).toEqual(before);
	});
});
