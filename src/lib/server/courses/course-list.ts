import { TRAINING_TYPE_LABELS } from '../../domain/courses.ts';
import { roleCategoryLabel, labelOf } from '../../domain/labels.ts';
import { REQUIREMENT_RULES } from '../study/requirements.ts';
import { courseServesRequirement } from '../study/catalogue.ts';
import type { LoadedCourse } from './course-files.ts';

// The README's course list, generated from seeds/courses (npm run courses:readme) and compared
// with the README by a test, so the list cannot drift from the courses.

export const README_START = '<!-- courses:start (npm run courses:readme) -->';
export const README_END = '<!-- courses:end -->';

const fmt = (h: number) => String(Math.round(h * 10) / 10);

export function courseListMarkdown(courses: LoadedCourse[]): string {
	const rules = REQUIREMENT_RULES.filter((r) => r.kind !== 'parameter');
	const lines = ['| 课程（代码） | 类型 | 学时 | 课时 · 分钟 | 适用人员 | 可计入的学时要求 |', '|---|---|---|---|---|---|'];
	const sorted = [...courses].sort((a, b) => a.course.code.localeCompare(b.course.code));
	for (const { course, modules } of sorted) {
		const lessons = modules.flatMap((m) => m.lessons);
		const minutes = lessons.reduce((s, l) => s + l.minutes, 0);
		const roles = course.audience_roles.length ? course.audience_roles.map((r) => roleCategoryLabel(r)).join('、') : '不限';
		const risk = course.audience_high_risk === null ? '' : course.audience_high_risk ? '（高危行业）' : '（非高危行业）';
		const serves = rules
			.filter((r) => courseServesRequirement(course, r))
			.map((r) => `${r.title} ${fmt(r.hours)} 学时${course.credit_hours >= r.hours ? '（单独满足）' : ''}`)
			.join('；');
		lines.push(
			`| ${course.title}（\`${course.code}\`） | ${labelOf(TRAINING_TYPE_LABELS, course.training_type)} | ${fmt(course.credit_hours)} | ${lessons.length} · ${minutes} | ${roles}${risk} | ${serves || '—'} |`
		);
	}
	return lines.join('\n');
}

/** The README with its course list replaced; null when the markers are missing. */
export function replaceReadmeCourseList(readme: string, list: string): string | null {
	const start = readme.indexOf(README_START);
	const end = readme.indexOf(README_END);
	if (start < 0 || end < start) return null;
	return `${readme.slice(0, start + README_START.length)}\n${list}\n${readme.slice(end)}`;
}
