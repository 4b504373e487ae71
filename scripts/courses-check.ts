// npm run courses:check — every problem of the repository courses as `file: message` (schema,
// media, 学时 ≤ Σ minutes ÷ 45, every lesson's 依据 and the articles it cites); exit 1 if any.
// npm run courses:readme — rewrites the course list in README.md from seeds/courses.
import { readFileSync, writeFileSync } from 'node:fs';
import { checkRepositoryCourses, findSourcesDir } from '../src/lib/server/courses/content-check.ts';
import { formatCourseProblem } from '../src/lib/server/courses/course-files.ts';
import { courseListMarkdown, replaceReadmeCourseList } from '../src/lib/server/courses/course-list.ts';

const readme = process.argv.includes('--readme');
const root = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'seeds/courses';
const { courses, problems } = checkRepositoryCourses(root, findSourcesDir());
for (const p of problems) console.log(formatCourseProblem(p));
console.log(`courses=${courses.length} lessons=${courses.reduce((s, c) => s + c.modules.reduce((n, m) => n + m.lessons.length, 0), 0)} problems=${problems.length}`);
if (readme) {
	const next = replaceReadmeCourseList(readFileSync('README.md', 'utf8'), courseListMarkdown(courses));
	if (next === null) {
		console.log('README.md 中没有课程清单的标记（<!-- courses:start ... --> / <!-- courses:end -->）');
		process.exitCode = 1;
	} else writeFileSync('README.md', next);
}
if (problems.length) process.exitCode = 1;
