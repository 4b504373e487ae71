import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { articleProblem, checkRepositoryCourses, findSourcesDir, parseCitations, sourcesSection } from './content-check.ts';
import { README_END, README_START, courseListMarkdown, replaceReadmeCourseList } from './course-list.ts';

const SOURCES = findSourcesDir();

describe('course content checks', () => {
	it('finds the source texts (set SOURCES_DIR when ../shared/sources is elsewhere)', () => {
		expect(SOURCES).not.toBeNull();
	});

	it('every repository course passes: schema, media, 学时 ≤ Σ minutes ÷ 45, 依据 on every lesson, cited articles exist', () => {
		const { courses, problems } = checkRepositoryCourses('seeds/courses', SOURCES);
		expect(problems).toEqual([]);
		expect(courses.length).toBeGreaterThanOrEqual(2);
	});

	it('fails a lesson without sources, an article not in the sources, a document not in the pack, and 学时 above minutes ÷ 45', () => {
		const { courses, problems } = checkRepositoryCourses('tests/fixtures/courses-content', SOURCES);
		expect(courses.map((c) => c.course.code)).toEqual(['bad-sources', 'good']);
		const messages = problems.map((p) => `${p.file}: ${p.message}`);
		expect(messages).toEqual([
			'too-many-hours/course.yaml: 课程学时 2 超过课时合计：全部课时共 45 分钟，按 1 学时 = 45 分钟折合 1 学时；请增加课时，或把课程学时改为不超过 1',
			'bad-sources/course.yaml: 第1章第1个课时“没有依据”：没有「依据」（课时正文须以“**依据**：……”结尾；视频、PDF 课时在 course.yaml 中填写 sources）',
			'bad-sources/course.yaml: 第1章第2个课时“条文不存在”：《安全生产法》第九百九十九条 不在资料原文中（找不到第九百九十九条）',
			'bad-sources/course.yaml: 第1章第2个课时“条文不存在”：《生产经营单位安全培训规定》第十三条第五款 不在资料原文中（第十三条只有4款，没有第五款）',
			'bad-sources/course.yaml: 第1章第3个课时“文件不在资料库”：引用了《某某市安全生产奖励办法》第三条，但资料库（../shared/sources）中没有该文件',
			'bad-sources/course.yaml: 第1章第4个课时“PDF 无依据”：没有「依据」（课时正文须以“**依据**：……”结尾；视频、PDF 课时在 course.yaml 中填写 sources）'
		]);
	});

	it('reports missing source texts instead of passing', () => {
		expect(checkRepositoryCourses('seeds/courses', null).problems.map((p) => p.message)).toContain('找不到资料库（../shared/sources）；请设置 SOURCES_DIR 指向资料原文目录');
	});

	it('reads the 依据 section and its citations', () => {
		expect(sourcesSection('正文\n\n| a | 依据 |\n')).toBeNull();
		expect(sourcesSection('正文\n\n**依据**：《安全生产法》第四条。')).toBe('《安全生产法》第四条。');
		expect(sourcesSection('正文\n\n## 依据\n\n《刑法》第一百三十四条')).toBe('《刑法》第一百三十四条');
		expect(parseCitations('《安全生产法》第七条、第二十一条第二款；GB 18218—2018《危险化学品重大危险源辨识》；原国家安全监管总局令第40号附件1')).toEqual([
			{ title: '安全生产法', articles: ['第七条', '第二十一条第二款'] },
			{ title: '危险化学品重大危险源辨识', articles: [] }
		]);
	});
});

describe('README course list', () => {
	it('is the list generated from seeds/courses (npm run courses:readme)', () => {
		const readme = readFileSync('README.md', 'utf8');
		expect(readme).toContain(README_START);
		expect(readme).toContain(README_END);
		const { courses } = checkRepositoryCourses('seeds/courses', SOURCES);
		expect(replaceReadmeCourseList(readme, courseListMarkdown(courses))).toBe(readme);
	});

	it('names each course with its 学时 and the requirements it meets', () => {
		const { courses } = checkRepositoryCourses('seeds/courses', SOURCES);
		const list = courseListMarkdown(courses);
		expect(list).toContain('`principal-annual`');
		expect(list).toMatch(/主要负责人、安全生产管理人员每年再培训 12 学时（单独满足）/);
	});

	it('finds an article run into a scanned paragraph after a sentence break, but not a cross-reference', () => {
		const scanned = '> 第二十四条申请复审的,考核发证机关应当……重新颁发特种作业操作证。第二十五条特种作业人员有下列情形之一的,……第(六)项具有本规定第三十条规定情形的。\n';
		expect(articleProblem(scanned, '第二十五条')).toBeNull();
		expect(articleProblem(scanned, '第二十四条')).toBeNull();
		// named only inside a sentence (具有本规定第三十条…): not the article's own text
		expect(articleProblem(scanned, '第三十条')).not.toBeNull();
		expect(articleProblem('> 符合本规定第二十五条第(二)项的，……\n', '第二十五条')).not.toBeNull();
		// outside a quoted excerpt a run-on head does not count
		expect(articleProblem('正文。第二十五条特种作业人员\n', '第二十五条')).not.toBeNull();
	});
});
