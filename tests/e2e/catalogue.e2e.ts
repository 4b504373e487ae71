import { expect, test, type Page } from './fixtures.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// Issue 15: an enterprise admin filters the course catalogue by role category and the requirement
// to meet, opens a course (syllabus, 学时, sources, institution) and assigns it to a worker for
// next year; the plan shows it. A learner finds the same course in their catalogue.
// Its own demo-seeded server: the assignment adds enrolments and messages other journeys count.
let server: RunningServer;

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	info.setTimeout(240_000);
	server = await startServer({});
});

test.afterAll(async () => {
	await server?.stop();
});

const PASSWORD = 'Anxun@2026';
const TWO_CARDS = '一线岗位“两单两卡”应知应会';
const PRINCIPALS = '主要负责人年度安全生产履职能力提升';

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
}

test('an enterprise admin filters the catalogue and assigns a course', async ({ browser }, info) => {
	const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = info.project.use;
	const context = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });
	const page = await context.newPage();
	await login(page, '13800000006');
	await expect(page).toHaveURL(/\/enterprise$/);
	await page.getByRole('link', { name: '课程目录' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '课程目录' })).toBeVisible();
	await expect(page.getByRole('link', { name: PRINCIPALS })).toBeVisible();

	// filter: 一线从业人员 who must meet the 8-学时 annual requirement
	await page.getByLabel('人员类别').selectOption({ label: '一线从业人员' });
	await page.getByLabel('满足的学时要求').selectOption({ label: '其他行业从业人员每年再培训（8 学时）' });
	await page.getByRole('button', { name: '筛选' }).click();
	await expect(page).toHaveURL(/role=frontline/);
	await expect(page).toHaveURL(/requirement=worker-annual/);
	await expect(page.getByRole('link', { name: TWO_CARDS })).toBeVisible();
	await expect(page.getByRole('link', { name: PRINCIPALS })).toHaveCount(0);
	// the filter stays selected after the reload
	await expect(page.getByLabel('人员类别')).toHaveValue('frontline');

	// a 学时 floor above every course empties the list and says how to widen it
	await page.getByLabel('学时不少于').fill('500');
	await page.getByRole('button', { name: '筛选' }).click();
	await expect(page.getByText('没有符合条件的课程')).toBeVisible();
	await page.getByLabel('学时不少于').fill('');
	await page.getByRole('button', { name: '筛选' }).click();

	await page.getByRole('link', { name: TWO_CARDS }).click();
	await expect(page.getByRole('heading', { level: 1, name: TWO_CARDS })).toBeVisible();
	await expect(page.getByTestId('course-hours')).toContainText('2 学时');
	await expect(page.getByText('重庆安训安全技术培训中心')).toBeVisible();
	await expect(page.getByRole('heading', { name: '课程大纲' })).toBeVisible();
	await expect(page.getByText('第一节 视频：两单两卡是什么')).toBeVisible();
	await expect(page.getByRole('region', { name: '依据' }).getByText(/《安全生产法》第四十四条/).first()).toBeVisible();

	// assign it to one worker for next year (a different worker per project)
	await page.getByLabel('计划年度').fill('2027');
	const people = page.getByRole('group', { name: /选择人员/ });
	const person = people.getByRole('listitem').nth(info.project.name === 'mobile' ? 0 : 1);
	const name = (await person.textContent())!.trim().split(/\s+/)[0]!;
	await person.getByRole('checkbox').check();
	await expect(people).toContainText('已选 1 人');
	await page.getByRole('button', { name: '安排课程' }).click();
	await expect(page.getByRole('status').filter({ hasText: '已安排' })).toContainText('新增 1 项');

	// nobody selected: a clear message, nothing written
	await page.getByRole('button', { name: '安排课程' }).click();
	await expect(page.getByRole('alert').filter({ hasText: '请至少选择一名人员' })).toBeVisible();

	await page.goto('/enterprise/plan?year=2027');
	const row = page.getByRole('row').filter({ has: page.getByRole('link', { name, exact: true }) });
	await expect(row).toContainText(TWO_CARDS);
	await context.close();
});

test('a learner finds the course in their catalogue', async ({ browser }, info) => {
	const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = info.project.use;
	const context = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });
	const page = await context.newPage();
	await login(page, '13800000007');
	await expect(page).toHaveURL(/\/learner$/);
	await page.getByRole('link', { name: '课程目录' }).click();
	// the shortcut applies the learner's own role, industry and requirement
	await page.getByRole('link', { name: /^适合我的课程/ }).click();
	await expect(page).toHaveURL(/requirement=/);
	await expect(page.getByTestId('catalogue-count')).toContainText('符合条件');
	await page.getByRole('link', { name: '清除筛选' }).click();
	// the cleared page must be there before the next filter is chosen (else 筛选 submits the old form)
	await expect(page).toHaveURL(/\/learner\/catalogue$/);
	await expect(page.getByLabel('满足的学时要求')).toHaveValue('');
	await page.getByLabel('人员类别').selectOption({ label: '主要负责人' });
	await page.getByRole('button', { name: '筛选' }).click();
	await page.getByRole('link', { name: PRINCIPALS }).click();
	await expect(page.getByRole('heading', { level: 1, name: PRINCIPALS })).toBeVisible();
	await expect(page.getByTestId('course-hours')).toContainText('12 学时');
	// learners read the catalogue; assigning is the enterprise's
	await expect(page.getByRole('button', { name: '安排课程' })).toHaveCount(0);
	await context.close();
});

test("an enterprise admin writes its own 车间级 course, publishes it and finds it in the catalogue", async ({ browser }, info) => {
	const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = info.project.use;
	const context = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });
	const page = await context.newPage();
	const title = `车间级安全教育（机加工车间 ${info.project.name}）`;
	await login(page, '13800000006');
	await page.getByRole('link', { name: '本单位课程（车间级、班组级）' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '本单位课程' })).toBeVisible();

	await page.getByLabel(/^课程代码/).fill(`yb-workshop-${info.project.name}`);
	await page.getByLabel('课程名称').fill(title);
	await page.getByLabel('培训类型').selectOption({ label: '三级安全教育' });
	await page.getByLabel('学时', { exact: true }).fill('1');
	await page.getByRole('checkbox', { name: '一线从业人员' }).check();
	await page.getByRole('button', { name: '新建课程' }).click();
	await expect(page).toHaveURL(/\/enterprise\/courses\/\d+\?created=1$/);
	await expect(page.getByRole('status').filter({ hasText: '课程已创建（草稿）' })).toBeVisible();

	await page.getByLabel('添加章节').fill('车间级');
	await page.getByRole('button', { name: '添加章节' }).click();
	await expect(page.getByRole('heading', { name: '车间级', level: 3 })).toBeVisible();
	await page.getByLabel('课时名称').fill('第一节 本车间的危险因素和操作规程');
	await page.getByLabel('类型', { exact: true }).selectOption({ label: '图文' });
	await page.getByLabel('时长（分钟）').fill('45');
	await page.getByRole('button', { name: '添加课时' }).click();
	await expect(page).toHaveURL(/\/enterprise\/courses\/\d+\/lessons\/\d+\?created=1$/);
	await page.getByLabel('正文（Markdown）').fill('## 机加工车间\n\n- 车床、铣床的旋转部位\n- 切屑飞溅\n\n操作前检查防护罩和急停按钮。');
	await page.getByRole('button', { name: '保存', exact: true }).click();
	await expect(page).toHaveURL(/\?saved=1$/);
	await page.getByRole('link', { name: `← ${title}` }).click();
	await page.getByRole('button', { name: '发布课程' }).click();
	await expect(page.getByRole('status').filter({ hasText: '课程已发布' })).toBeVisible();

	// the enterprise's catalogue lists it with its own name as the provider; plan generation can use it
	await page.goto('/enterprise/catalogue?role=frontline&type=three_level');
	await page.getByRole('link', { name: title }).click();
	await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
	await expect(page.getByTestId('course-hours')).toContainText('1 学时');
	await expect(page.getByText('本单位自编课程（重庆渝北精工机械有限公司）')).toBeVisible();
	await context.close();
});
