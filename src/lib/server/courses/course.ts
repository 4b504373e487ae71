import type { LessonKind } from '../../domain/courses.ts';

// Rules about a course as a whole (no database, no HTTP).

export type OutlineLesson = { title: string; kind: LessonKind; minutes: number; fileId: number | null; videoSeconds: number | null; /** a live class's 回放 lesson: plays the class's signed replay, no file */ liveClassId?: number | null };

export function totalMinutes(lessons: Pick<OutlineLesson, 'minutes'>[]): number {
	return lessons.reduce((n, l) => n + l.minutes, 0);
}

/** The most 学时 the lessons can carry, rounded down to 0.1. */
export function maxCreditHours(minutes: number, xueshiMinutes: number): number {
	return Math.floor((minutes / xueshiMinutes) * 10 + 1e-9) / 10;
}

/**
 * Why the course cannot be published (empty when it can). A published course must keep
 * meeting these, so they are checked again after every change to one.
 */
export function publishProblems(course: { creditHours: number }, lessons: OutlineLesson[], xueshiMinutes: number): string[] {
	const problems: string[] = [];
	if (lessons.length === 0) return ['课程还没有课时：请至少添加一个课时'];
	for (const l of lessons) {
		if (l.kind !== 'text' && l.fileId === null && !l.liveClassId) problems.push(`课时“${l.title}”是${l.kind === 'video' ? '视频' : ' PDF '}课时，但还没有上传文件`);
		if (l.kind === 'video' && l.fileId !== null && l.videoSeconds === null) problems.push(`视频课时“${l.title}”没有填写视频时长`);
	}
	const minutes = totalMinutes(lessons);
	if (course.creditHours * xueshiMinutes > minutes + 1e-9) {
		const max = maxCreditHours(minutes, xueshiMinutes);
		problems.push(
			`课程学时 ${course.creditHours} 超过课时合计：全部课时共 ${minutes} 分钟，按 1 学时 = ${xueshiMinutes} 分钟折合 ${max} 学时；请增加课时，或把课程学时改为不超过 ${max}`
		);
	}
	return problems;
}
