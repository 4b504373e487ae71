import { expect, test, type Page } from './fixtures.ts';

// A training institution's admin authors a course in the browser: creates it, adds a chapter,
// a Markdown lesson (raw HTML and javascript: links stay inert) and a PDF lesson (a fake PDF
// is refused), reorders, is refused publishing with too many 学时, fixes that, publishes and
// previews it as a learner would. Examiners and learners may not open course management.
const PASSWORD = 'Anxun@2026';

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
}

/** The lesson titles of the course page's outline, in order. */
async function lessonOrder(page: Page): Promise<string[]> {
	return page.locator('#outline ol.lessons > li .lesson-title a').allInnerTexts();
}

test('the institution admin finds the demo courses under 课程管理', async ({ page }) => {
	await login(page, '13800000004');
	await expect(page).toHaveURL(/\/institution$/);
	await expect(page.getByRole('heading', { name: '重庆安训安全技术培训中心' })).toBeVisible();
	await page.getByRole('link', { name: '进入课程管理' }).click();
	await expect(page).toHaveURL(/\/institution\/courses$/);
	await expect(page.getByRole('heading', { name: '课程管理', level: 1 })).toBeVisible();
	await expect(page.getByRole('link', { name: '主要负责人年度安全生产履职能力提升' })).toBeVisible();
	await expect(page.getByRole('link', { name: /两单两卡/ })).toBeVisible();
});

test('the institution admin authors, reorders, publishes and previews a course', async ({ page }, info) => {
	test.skip(info.project.name !== 'desktop', 'creates a course: desktop only');
	test.setTimeout(120_000);
	// Nothing on these pages may ever run an author's script.
	const dialogs: string[] = [];
	page.on('dialog', (d) => {
		dialogs.push(d.message());
		void d.dismiss();
	});
	const pageErrors: string[] = [];
	page.on('pageerror', (e) => pageErrors.push(e.message));

	const code = `e2e-${Date.now().toString(36)}`;
	const title = `端到端测试课程 ${code}`;
	const textLesson = '第一节 图文课时';
	const pdfLesson = '第二节 PDF 课时';

	await login(page, '13800000004');
	await page.goto('/institution/courses');

	// 1. create the course (a draft)
	await page.getByLabel(/^课程代码/).fill(code);
	await page.getByLabel('课程名称').fill(title);
	await page.getByLabel('培训类型').selectOption({ label: '专题' });
	await page.getByLabel('学时', { exact: true }).fill('1');
	await page.getByLabel('课程简介').fill('由端到端测试创建。');
	await page.getByRole('checkbox', { name: '一线从业人员' }).check();
	await page.getByRole('checkbox', { name: '特种作业人员' }).check();
	await page.getByRole('button', { name: '新建课程' }).click();
	await expect(page).toHaveURL(/\/institution\/courses\/\d+\?created=1$/);
	const courseUrl = page.url().replace(/\?.*$/, '');
	await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: '课程已创建（草稿）' })).toBeVisible();
	await expect(page.locator('.meta .status')).toHaveText('草稿');
	await expect(page.getByText('课程还没有课时：请至少添加一个课时')).toBeVisible();

	// 2. a chapter
	await page.getByLabel('添加章节').fill('第一章 端到端测试');
	await page.getByRole('button', { name: '添加章节' }).click();
	await expect(page.getByRole('heading', { name: '第一章 端到端测试', level: 3 })).toBeVisible();

	// 3. a text lesson with hostile Markdown
	await page.getByLabel('课时名称').fill(textLesson);
	await page.getByLabel('类型', { exact: true }).selectOption({ label: '图文' });
	await page.getByLabel('时长（分钟）').fill('30');
	await page.getByRole('button', { name: '添加课时' }).click();
	await expect(page).toHaveURL(/\/lessons\/\d+\?created=1$/);
	await expect(page.getByRole('heading', { name: textLesson, level: 1 })).toBeVisible();
	await expect(page.getByRole('status').filter({ hasText: '课时已添加' })).toBeVisible();

	const body = [
		'# 安全生产第一责任人',
		'',
		'主要负责人对本单位的安全生产工作**全面负责**。',
		'',
		'<script>alert(1)</script>',
		'',
		'[x](javascript:alert(1))',
		'',
		'- 建立健全全员安全生产责任制',
		'- 组织制定安全生产规章制度'
	].join('\n');
	await page.getByLabel('正文（Markdown）').fill(body);
	await page.getByRole('button', { name: '预览' }).click();
	await expect(page.getByRole('heading', { name: '预览（未保存的修改）' })).toBeVisible();
	const preview = page.getByRole('article', { name: textLesson });
	await expect(preview.getByRole('heading', { name: '安全生产第一责任人' })).toBeVisible();
	await expect(preview.locator('strong', { hasText: '全面负责' })).toBeVisible();
	// raw HTML is shown as text, the javascript: link is not a link
	await expect(preview).toContainText('<script>alert(1)</script>');
	await expect(preview).toContainText('[x](javascript:alert(1))');
	await expect(page.locator('script', { hasText: 'alert(1)' })).toHaveCount(0);
	await expect(page.locator('a[href*="javascript:" i]')).toHaveCount(0);
	await expect(preview.getByRole('link', { name: 'x', exact: true })).toHaveCount(0);
	// previewing kept what was typed
	await expect(page.getByLabel('正文（Markdown）')).toHaveValue(body);

	await page.getByRole('button', { name: '保存', exact: true }).click();
	await expect(page).toHaveURL(/\?saved=1$/);
	await expect(page.getByRole('status').filter({ hasText: '已保存。' })).toBeVisible();
	await expect(page.getByRole('heading', { name: '预览', exact: true })).toBeVisible();
	await expect(preview.getByRole('heading', { name: '安全生产第一责任人' })).toBeVisible();
	await expect(page.locator('script', { hasText: 'alert(1)' })).toHaveCount(0);
	await expect(page.locator('a[href*="javascript:" i]')).toHaveCount(0);

	// 4. a PDF lesson: a real PDF is stored, a text file named .pdf is refused
	await page.goto(courseUrl);
	await page.getByText('在本章添加课时').click();
	await page.getByLabel('课时名称').fill(pdfLesson);
	await page.getByLabel('类型', { exact: true }).selectOption({ label: 'PDF 文档' });
	await page.getByLabel('时长（分钟）').fill('20');
	await page.getByRole('button', { name: '添加课时' }).click();
	await expect(page).toHaveURL(/\/lessons\/\d+\?created=1$/);
	await expect(page.getByRole('heading', { name: pdfLesson, level: 1 })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'PDF 文档', level: 2 })).toBeVisible();
	await expect(page.getByText('还没有上传文件。')).toBeVisible();

	await page.getByLabel(/^选择 PDF 文档/).setInputFiles('tests/fixtures/courses/media/tiny.pdf');
	await page.getByRole('button', { name: '上传', exact: true }).click();
	await expect(page).toHaveURL(/\?uploaded=1$/);
	await expect(page.getByRole('status').filter({ hasText: '文件已上传并保存。' })).toBeVisible();
	await expect(page.getByText('当前文件：')).toContainText('tiny.pdf');
	const pdfHref = await page.getByRole('link', { name: 'tiny.pdf' }).getAttribute('href');
	const pdf = await page.request.get(pdfHref!);
	expect(pdf.status()).toBe(200);
	expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-');

	await page.getByLabel(/^选择 PDF 文档/).setInputFiles({ name: 'fake.pdf', mimeType: 'application/pdf', buffer: Buffer.from('这不是 PDF 文件，只是改了扩展名的文本。') });
	await page.getByRole('button', { name: '上传并替换' }).click();
	await expect(page.getByRole('alert')).toContainText('文件“fake.pdf”不是 PDF 文档（内容应以 %PDF- 开头），请重新选择');
	// the stored file is unchanged
	await page.reload();
	await expect(page.getByText('当前文件：')).toContainText('tiny.pdf');

	// 5. reorder: the PDF lesson moves up
	await page.goto(courseUrl);
	expect(await lessonOrder(page)).toEqual([textLesson, pdfLesson]);
	await expect(page.getByRole('button', { name: `上移课时“${textLesson}”` })).toBeDisabled();
	await page.getByRole('button', { name: `上移课时“${pdfLesson}”` }).click();
	await expect(page).toHaveURL(/#lesson-\d+$/);
	await expect.poll(() => lessonOrder(page)).toEqual([pdfLesson, textLesson]);
	await expect(page.getByRole('button', { name: `上移课时“${pdfLesson}”` })).toBeDisabled();
	await expect(page.locator('.meta')).toContainText('2 个课时，合计 50 分钟（1 学时 = 45 分钟）');

	// 6. 10 学时 for 50 minutes is refused; 1 学时 is published
	const creditHours = page.getByLabel('学时', { exact: true });
	await creditHours.fill('10');
	await page.getByRole('button', { name: '保存课程信息' }).click();
	await expect(page).toHaveURL(/\?saved=1#meta$/);
	await expect(page.locator('.meta')).toContainText('10 学时');
	await expect(page.getByText('当前课时最多可折合 1.1 学时')).toBeVisible();
	await page.getByRole('button', { name: '发布课程' }).click();
	const refusal = page.locator('#status').getByRole('alert');
	await expect(refusal).toContainText('课程不能发布：');
	await expect(refusal).toContainText('课程学时 10 超过课时合计：全部课时共 50 分钟，按 1 学时 = 45 分钟折合 1.1 学时');
	await page.goto(courseUrl);
	await expect(page.locator('.meta .status')).toHaveText('草稿');

	await creditHours.fill('1');
	await page.getByRole('button', { name: '保存课程信息' }).click();
	await expect(page).toHaveURL(/\?saved=1#meta$/);
	await expect(page.getByText('课程已满足发布条件。')).toBeVisible();
	await page.getByRole('button', { name: '发布课程' }).click();
	await expect(page).toHaveURL(/\?published=1$/);
	await expect(page.getByRole('status').filter({ hasText: '课程已发布，学员现在可以学习。' })).toBeVisible();
	await expect(page.locator('.meta .status')).toHaveText('已发布');
	await expect(page.getByRole('button', { name: '下架课程' })).toBeVisible();

	await page.goto('/institution/courses');
	const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: title }) });
	await expect(row).toContainText('已发布');
	await expect(row).toContainText('50 分钟');

	// 7. preview as a learner sees it
	await page.goto(courseUrl);
	await page.getByRole('link', { name: '以学员视角预览' }).click();
	await expect(page).toHaveURL(/\/preview$/);
	await expect(page.getByRole('note')).toContainText('预览模式（已发布）');
	await expect(page.getByRole('heading', { name: title, level: 1 })).toBeVisible();
	await expect(page.getByText('专题 · 1 学时 · 共 50 分钟')).toBeVisible();
	const toc = page.getByRole('navigation', { name: '课程目录' });
	expect(await toc.getByRole('listitem').getByRole('link').allInnerTexts()).toEqual([pdfLesson, textLesson]);

	await toc.getByRole('link', { name: pdfLesson }).click();
	await expect(page.getByRole('heading', { name: pdfLesson, level: 1 })).toBeVisible();
	await expect(page.getByText('第 1 / 2 课时 · PDF 文档 · 20 分钟')).toBeVisible();
	await expect(page.getByRole('link', { name: '在新窗口打开或下载 PDF 文档' })).toHaveAttribute('href', pdfHref!);

	await page.getByRole('link', { name: `${textLesson} →` }).click();
	await expect(page.getByRole('heading', { name: textLesson, level: 1 })).toBeVisible();
	await expect(page.getByText('第 2 / 2 课时 · 图文 · 30 分钟')).toBeVisible();
	const lesson = page.getByRole('article', { name: textLesson });
	await expect(lesson.getByRole('heading', { name: '安全生产第一责任人' })).toBeVisible();
	await expect(lesson.getByRole('listitem').filter({ hasText: '建立健全全员安全生产责任制' })).toBeVisible();
	await expect(lesson).toContainText('<script>alert(1)</script>');
	await expect(page.locator('script', { hasText: 'alert(1)' })).toHaveCount(0);
	await expect(page.locator('a[href*="javascript:" i]')).toHaveCount(0);

	expect(dialogs).toEqual([]);
	expect(pageErrors).toEqual([]);
});

for (const [who, account] of [
	['an examiner', '13800000005'],
	['a learner', '13800000007']
] as const) {
	test(`${who} may not open course management`, async ({ page }) => {
		await login(page, account);
		if (who === 'an examiner') {
			await expect(page).toHaveURL(/\/institution$/);
			await expect(page.getByRole('link', { name: '进入课程管理' })).toHaveCount(0);
		}
		const response = await page.goto('/institution/courses');
		expect(response?.status()).toBe(403);
		await expect(page.getByRole('heading', { name: '无权访问' })).toBeVisible();
		await expect(page.getByText('您当前的身份无权访问此页面')).toBeVisible();
		await expect(page.getByRole('link', { name: '主要负责人年度安全生产履职能力提升' })).toHaveCount(0);
		// nor the pages of a course
		expect((await page.request.get('/institution/courses/1')).status()).toBe(403);
		expect((await page.request.get('/institution/courses/1/preview')).status()).toBe(403);
	});
}
