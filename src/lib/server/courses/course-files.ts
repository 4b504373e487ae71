import { closeSync, existsSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { basename, extname, isAbsolute, join, relative, resolve } from 'node:path';
import YAML from 'yaml';
import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { lessonKindSchema, lessonMinutesSchema, newCourseSchema, videoSecondsSchema, type NewCourse } from '../../schemas/course.ts';
import type { LessonKind } from '../../domain/courses.ts';
import { audit, SYSTEM_ACTOR } from '../audit/actor.ts';
import { getXueshiMinutes } from '../study/requirements.repository.ts';
import { findFileByHash, hashContent, saveFile } from '../files/files.repository.ts';
import { SNIFF_BYTES, checkUpload } from '../files/upload.ts';
import { publishProblems } from './course.ts';
import { findCourseByCode, insertCourse, insertLesson, insertModule, lockCourseImport } from './courses.repository.ts';
import { lessonQuizSchema, type LessonQuiz } from './lesson-quiz.ts';
import { quizReferenceProblems, setLessonQuiz } from './lesson-quiz.repository.ts';

// Courses kept in the repository: seeds/courses/<code>/course.yaml, lesson texts as .md files
// beside it and media (videos, PDFs) anywhere under the courses folder, e.g. ../media/.

const path = (what: string) => z.string({ error: `${what}必须是相对路径` }).trim().min(1, `${what}不能为空`);

export const courseFileLessonSchema = z
	.object({
		title: z.string({ error: '课时名称必须是文字' }).trim().min(1, '课时名称不能为空').max(100, '课时名称最多100个字符'),
		kind: lessonKindSchema,
		minutes: lessonMinutesSchema,
		body: path('正文文件（body）').optional(),
		file: path('文件（file）').optional(),
		video_seconds: videoSecondsSchema.optional(),
		// end-of-lesson practice questions (issue 15), checked against the banks at import
		quiz: lessonQuizSchema.optional(),
		/** 依据 of a video or PDF lesson (a text lesson ends its Markdown with it instead). */
		sources: z.string({ error: '依据（sources）必须是文字' }).trim().min(1, '依据（sources）不能为空').max(2000, '依据（sources）最多2000个字符').optional()
	})
	.superRefine((l, ctx) => {
		if (l.kind === 'text' && !l.body) ctx.addIssue({ code: 'custom', path: ['body'], message: '图文课时须有正文文件（body: lessons/xx.md）' });
		if (l.kind === 'text' && l.file) ctx.addIssue({ code: 'custom', path: ['file'], message: '图文课时不使用文件（file）' });
		if (l.kind !== 'text' && !l.file) ctx.addIssue({ code: 'custom', path: ['file'], message: `${l.kind === 'video' ? '视频' : ' PDF '}课时须有文件（file）` });
		if (l.kind === 'video' && l.video_seconds === undefined) ctx.addIssue({ code: 'custom', path: ['video_seconds'], message: '视频课时须填写视频时长（video_seconds，秒）' });
		if (l.kind === 'text' && l.sources) ctx.addIssue({ code: 'custom', path: ['sources'], message: '图文课时的依据写在正文末尾，不使用 sources' });
		if (l.kind !== 'video' && l.video_seconds !== undefined) ctx.addIssue({ code: 'custom', path: ['video_seconds'], message: '只有视频课时才有视频时长（video_seconds）' });
	});

export const courseFileSchema = newCourseSchema.extend({
	modules: z
		.array(
			z.object({
				title: z.string({ error: '章节名称必须是文字' }).trim().min(1, '章节名称不能为空').max(100, '章节名称最多100个字符'),
				lessons: z.array(courseFileLessonSchema, { error: '章节须有课时列表（lessons）' }).min(1, '章节至少要有一个课时')
			}),
			{ error: '课程须有章节列表（modules）' }
		)
		.min(1, '课程至少要有一个章节')
});

export type LoadedMedia = { path: string; name: string; mime: string; size: number };
export type LoadedLesson = { title: string; kind: LessonKind; minutes: number; bodyMd: string; videoSeconds: number | null; media: LoadedMedia | null; quiz: LessonQuiz | null };
export type LoadedCourse = { dir: string; course: NewCourse; modules: { title: string; lessons: LoadedLesson[] }[] };
export type CourseProblem = { file: string; message: string };

export function formatCourseProblem(p: CourseProblem): string {
	return `${p.file}: ${p.message}`;
}

const MIME_BY_EXTENSION: Record<string, { mime: string; kind: 'video' | 'pdf' }> = {
	'.mp4': { mime: 'video/mp4', kind: 'video' },
	'.webm': { mime: 'video/webm', kind: 'video' },
	'.pdf': { mime: 'application/pdf', kind: 'pdf' }
};

/** Folders under the courses root that hold no course. */
const NOT_COURSES = new Set(['media']);

function where(issuePath: PropertyKey[]): string {
	const [m, mi, l, li, ...rest] = issuePath;
	if (m === 'modules' && typeof mi === 'number') {
		const lesson = l === 'lessons' && typeof li === 'number' ? `第${li + 1}个课时` : '';
		const field = (lesson ? rest : [l, li, ...rest]).filter((x) => x !== undefined).join('.');
		return `第${mi + 1}章${lesson}${field ? ` ${field}` : ''}`;
	}
	return issuePath.join('.');
}

function readHead(file: string): Uint8Array {
	const fd = openSync(file, 'r');
	try {
		const head = new Uint8Array(SNIFF_BYTES);
		const n = readSync(fd, head, 0, SNIFF_BYTES, 0);
		return head.subarray(0, n);
	} finally {
		closeSync(fd);
	}
}

function inside(root: string, p: string): boolean {
	const rel = relative(root, p);
	return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/**
 * Reads and checks every course under `root` without touching the database. Never throws on
 * bad content: every problem is reported with its file. Media are checked by their first
 * bytes and size only; their content is read when a course is imported.
 */
export function loadCourseDirs(root: string, options: { xueshiMinutes?: number } = {}): { courses: LoadedCourse[]; problems: CourseProblem[] } {
	const problems: CourseProblem[] = [];
	const courses: LoadedCourse[] = [];
	const rootDir = resolve(root);
	if (!existsSync(rootDir) || !statSync(rootDir).isDirectory()) return { courses, problems: [{ file: root, message: '课程目录不存在' }] };
	const dirs = readdirSync(rootDir, { withFileTypes: true })
		.filter((d) => d.isDirectory() && !NOT_COURSES.has(d.name) && !d.name.startsWith('.') && !d.name.startsWith('_'))
		.map((d) => d.name)
		.sort();
	for (const name of dirs) {
		const dir = join(rootDir, name);
		const yamlName = `${name}/course.yaml`;
		const file = join(dir, 'course.yaml');
		if (!existsSync(file)) {
			problems.push({ file: yamlName, message: '缺少 course.yaml' });
			continue;
		}
		let raw: unknown;
		try {
			raw = YAML.parse(readFileSync(file, 'utf8'));
		} catch (e) {
			problems.push({ file: yamlName, message: `YAML 解析失败：${(e as Error).message.split('\n')[0]}` });
			continue;
		}
		const parsed = courseFileSchema.safeParse(raw);
		if (!parsed.success) {
			for (const i of parsed.error.issues) problems.push({ file: yamlName, message: i.path.length ? `${where(i.path)}：${i.message}` : i.message });
			continue;
		}
		const { modules, ...course } = parsed.data;
		const before = problems.length;
		if (course.code !== name) problems.push({ file: yamlName, message: `课程代码“${course.code}”应与目录名“${name}”相同` });
		const loadedModules = modules.map((m, mi) => ({
			title: m.title,
			lessons: m.lessons.map((l, li): LoadedLesson => {
				const at = `第${mi + 1}章第${li + 1}个课时“${l.title}”`;
				const report = (message: string) => problems.push({ file: yamlName, message: `${at}：${message}` });
				let bodyMd = '';
				if (l.body) {
					const p = resolve(dir, l.body);
					if (!inside(rootDir, p)) report(`正文文件 ${l.body} 不在课程目录内`);
					else if (extname(p) !== '.md') report(`正文文件 ${l.body} 应为 .md 文件`);
					else if (!existsSync(p)) report(`找不到正文文件 ${l.body}`);
					else {
						bodyMd = readFileSync(p, 'utf8').replace(/\r\n/g, '\n');
						if (bodyMd.length > 100_000) report(`正文文件 ${l.body} 超过100000个字符`);
					}
				}
				let media: LoadedMedia | null = null;
				if (l.file && l.kind !== 'text') {
					const p = resolve(dir, l.file);
					const type = MIME_BY_EXTENSION[extname(p).toLowerCase()];
					if (!inside(rootDir, p)) report(`文件 ${l.file} 不在课程目录内`);
					else if (!type) report(`文件 ${l.file} 的扩展名应为 .mp4、.webm 或 .pdf`);
					else if (type.kind !== l.kind) report(`文件 ${l.file} 与课时类型（${l.kind}）不符`);
					else if (!existsSync(p) || !statSync(p).isFile()) report(`找不到文件 ${l.file}`);
					else {
						const size = statSync(p).size;
						const checked = checkUpload(type.kind, { name: basename(p), type: type.mime, size, head: readHead(p) });
						if (!checked.ok) report(checked.message);
						else media = { path: p, name: checked.name, mime: checked.mime, size };
					}
				}
				// a video or PDF lesson keeps its 依据 as its text, so the course page can list it
				if (l.sources && !bodyMd) bodyMd = `**依据**：${l.sources}`;
				return { title: l.title, kind: l.kind, minutes: l.minutes, bodyMd, videoSeconds: l.video_seconds ?? null, media, quiz: l.quiz ?? null };
			})
		}));
		const lessons = loadedModules.flatMap((m) => m.lessons);
		// fileId stands for "has a file" here; the rule only asks whether there is one
		const outline = lessons.map((l) => ({ ...l, fileId: l.media ? 1 : null }));
		for (const p of problems.length === before ? publishProblems({ creditHours: course.credit_hours }, outline, options.xueshiMinutes ?? 45) : []) {
			problems.push({ file: yamlName, message: p });
		}
		if (problems.length === before) courses.push({ dir, course, modules: loadedModules });
	}
	return { courses, problems };
}

export type CourseSyncSummary = { added: string[]; unchanged: string[] };

/**
 * The seed: every repository course whose code is not in the database yet is inserted as
 * published, owned by `ownerOrgId`. An existing code is left alone (a second run changes
 * nothing; courses edited in the browser are not overwritten). All or nothing.
 */
export async function syncRepositoryCourses(db: Db, root: string, ownerOrgId: number, now: Date): Promise<CourseSyncSummary> {
	const { courses, problems } = loadCourseDirs(root);
	if (problems.length) throw new Error(`课程检查未通过，未导入任何内容：\n${problems.slice(0, 20).map(formatCourseProblem).join('\n')}`);
	return withTransaction(db, async (tx): Promise<CourseSyncSummary> => {
		await lockCourseImport(tx);
		const summary: CourseSyncSummary = { added: [], unchanged: [] };
		const xueshiMinutes = await getXueshiMinutes(tx);
		const fileIds = new Map<string, number>();
		// every quiz must name a bank, knowledge points and questions that exist (banks are imported first)
		const quizProblems: string[] = [];
		for (const c of courses) {
			for (const [mi, m] of c.modules.entries()) {
				for (const [li, l] of m.lessons.entries()) {
					if (!l.quiz) continue;
					for (const p of await quizReferenceProblems(tx, l.quiz, ownerOrgId, now)) {
						quizProblems.push(`${c.course.code}/course.yaml: 第${mi + 1}章第${li + 1}个课时“${l.title}”的课后练习：${p}`);
					}
				}
			}
		}
		if (quizProblems.length) throw new Error(`课后练习检查未通过，未导入任何内容：\n${quizProblems.slice(0, 20).join('\n')}`);
		for (const c of courses) {
			if (await findCourseByCode(tx, c.course.code)) {
				summary.unchanged.push(c.course.code);
				continue;
			}
			const outline = c.modules.flatMap((m) => m.lessons).map((l) => ({ ...l, fileId: l.media ? 1 : null }));
			const refused = publishProblems({ creditHours: c.course.credit_hours }, outline, xueshiMinutes);
			if (refused.length) throw new Error(`课程“${c.course.code}”不能发布：${refused.join('；')}`);
			const courseId = await insertCourse(tx, {
				code: c.course.code,
				title: c.course.title,
				description: c.course.description,
				trainingType: c.course.training_type,
				audienceRoles: c.course.audience_roles,
				audienceIndustries: c.course.audience_industries,
				audienceHighRisk: c.course.audience_high_risk,
				creditHours: c.course.credit_hours,
				ownerOrgId,
				status: 'published',
				now
			});
			if (courseId === undefined) throw new Error(`课程代码“${c.course.code}”已被使用`);
			for (const m of c.modules) {
				const moduleId = await insertModule(tx, courseId, m.title);
				for (const l of m.lessons) {
					let fileId: number | null = null;
					if (l.media) {
						fileId = fileIds.get(l.media.path) ?? null;
						if (fileId === null) {
							const data = new Uint8Array(readFileSync(l.media.path));
							const existing = await findFileByHash(tx, ownerOrgId, await hashContent(data), data.byteLength);
							fileId = (existing ?? (await saveFile(tx, { ownerOrgId, name: l.media.name, mime: l.media.mime, data, createdBy: null, now }))).id;
							fileIds.set(l.media.path, fileId);
						}
					}
					const lessonId = await insertLesson(tx, courseId, moduleId, { title: l.title, kind: l.kind, minutes: l.minutes, bodyMd: l.bodyMd, fileId, videoSeconds: l.videoSeconds });
					if (l.quiz) await setLessonQuiz(tx, lessonId, l.quiz);
				}
			}
			await audit(tx, SYSTEM_ACTOR, now, 'course.import', `course:${c.course.code}`, { course_id: courseId, source: relative(resolve(root), c.dir) });
			summary.added.push(c.course.code);
		}
		return summary;
	});
}
