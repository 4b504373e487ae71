import { expect, test, type Page } from './fixtures.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// Issue 15 part 1: the catalogue's courses for 安全生产管理人员, 高危 leaders, 一线从业人员 and 新上岗.
// Its own demo-seeded server: studying a lesson adds progress other journeys read.
let server: RunningServer;

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	info.setTimeout(240_000);
	server = await startServer({});
});

test.afterAll(async () => {
	await server?.stop();
});

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill('Anxun@2026');
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login/);
}

test('a special worker opens the 8-学时 annual course and reads a lesson with its sources', async ({ browser }, info) => {
	const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = info.project.use;
	const page = await (await browser.newContext({ baseURL: server.url, locale: 'zh-CN', viewport, userAgent, deviceScaleFactor, isMobile, hasTouch })).newPage();
	await login(page, '13800000007');
	await page.goto('/learner');
	await page.getByRole('link', { name: '一线从业人员年度安全再培训' }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: '一线从业人员年度安全再培训' })).toBeVisible();
	await expect(page.getByText('年度再培训 · 8 学时')).toBeVisible();
	// the general part and the 两单两卡 part, with the shared video and PDF
	await expect(page.getByText('第四章 “两单两卡”与岗位应急处置')).toBeVisible();
	await expect(page.locator('li', { hasText: '视频：两单两卡是什么' })).toBeVisible();
	await page.getByRole('link', { name: /从业人员的安全生产权利/ }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: '第一节 从业人员的安全生产权利' })).toBeVisible();
	await expect(page.getByText(/有权拒绝/).first()).toBeVisible();
	await expect(page.getByText(/依据.*《安全生产法》第四十四条/)).toBeVisible();
});

test('a 高危 principal is given the 16-学时 course, which opens with the 高危 lesson in chapter two', async ({ browser }, info) => {
	const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = info.project.use;
	const page = await (await browser.newContext({ baseURL: server.url, locale: 'zh-CN', viewport, userAgent, deviceScaleFactor, isMobile, hasTouch })).newPage();
	await login(page, '500115197803150011');
	await page.goto('/learner');
	await expect(page.getByText(/\/ 16 学时/)).toBeVisible();
	await page.getByRole('link', { name: '高危行业主要负责人和安全生产管理人员年度再培训' }).first().click();
	await expect(page.getByText('年度再培训 · 16 学时')).toBeVisible();
	await page.getByRole('link', { name: /高危行业单位的特别要求/ }).first().click();
	await expect(page.getByRole('heading', { level: 1, name: '第一节 高危行业单位的特别要求' })).toBeVisible();
	await expect(page.getByText(/至少每半年组织1次生产安全事故应急救援预案演练/).first()).toBeVisible();
	await expect(page.getByText(/依据.*《生产经营单位安全培训规定》第九条/)).toBeVisible();
});
