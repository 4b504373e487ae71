import type { Db } from '../db/index.ts';
import { getXueshiMinutes } from '../study/requirements.repository.ts';
import { maxCreditHours, publishProblems, totalMinutes } from './course.ts';
import { listLessons, listModules, type Course, type CourseModule, type Lesson } from './courses.repository.ts';

export type CourseOutline = {
	modules: (CourseModule & { lessons: Lesson[] })[];
	lessons: Lesson[];
	totalMinutes: number;
	xueshiMinutes: number;
	maxCreditHours: number;
	/** Why it could not be published now (empty when it could). */
	problems: string[];
};

/** A course's modules with their lessons in reading order, and what its publishing rules say. */
export async function getCourseOutline(db: Db, course: Course): Promise<CourseOutline> {
	const [modules, lessons, xueshiMinutes] = await Promise.all([listModules(db, course.id), listLessons(db, course.id), getXueshiMinutes(db)]);
	const minutes = totalMinutes(lessons);
	return {
		modules: modules.map((m) => ({ ...m, lessons: lessons.filter((l) => l.moduleId === m.id) })),
		lessons,
		totalMinutes: minutes,
		xueshiMinutes,
		maxCreditHours: maxCreditHours(minutes, xueshiMinutes),
		problems: publishProblems(course, lessons, xueshiMinutes)
	};
}
