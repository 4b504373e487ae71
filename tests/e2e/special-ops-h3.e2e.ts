import { expect, test, type Browser, type Page, type TestInfo } from './fixtures.ts';
import { prepareServerDatabase } from '../support/exam-factories.ts';
import { prepareDemoPractical, TINY_PNG } from '../support/special-ops-factories-h3.ts';
import { TEST_PASSWORD } from '../support/factories.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// 特种作业 实操 on a phone: two examiners check candidates in by their 准考证号, see the photo,
// tick deductions (one tick while offline, synced later), upload evidence with progress and sign;
// one candidate passes, the other fails a 否决项. The candidate sees the published deductions and
// the district regulator the pass rates. Its own server: it writes results other journeys would see.
let server: RunningServer;
let world: Awaited<ReturnType<typeof prepareDemoPractical>>;

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	info.setTimeout(300_000);
	const prepared = await prepareServerDatabase('pglite', (db) => prepareDemoPractical(db, new Date()));
	world = prepared.value;
	server = await startServer(prepared.env);
});

test.afterAll(async () => {
	await server?.stop();
});

async function phone(browser: Browser, info: TestInfo) {
	const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = info.project.use;
	const context = await browser.newContext({ baseURL: server.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport, userAgent, deviceScaleFactor, isMobile, hasTouch });
	return { context, page: await context.newPage() };
}

async function login(page: Page, account: string, password = 'Anxun@2026') {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(password);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
}

async function checkIn(page: Page, code: string, name: string) {
	await page.goto('/institution/practical');
	await page.getByTestId(`practical-session-${world.sessionId}`).click();
	await page.getByLabel(/准考证号/).fill(code);
	await page.getByRole('button', { name: '查找考生' }).click();
	await expect(page.getByTestId('candidate-name')).toHaveText(name);
	const photo = page.getByAltText(`${name}的报名证件照`);
	await expect(photo).toBeVisible();
	expect(await photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
	await page.getByRole('button', { name: '照片与本人一致，开始考试' }).click();
	await expect(page).toHaveURL(/\/institution\/practical\/attempts\/\d+$/);
}

test('examiners score the practical on a phone; one passes, one fails a veto item; results and pass rates', async ({ browser }, info) => {
	test.skip(info.project.name !== 'mobile', 'an examiner scores on a phone; the journey writes results once');
	test.setTimeout(240_000);
	const a = await phone(browser, info);
	await login(a.page, '13800000005');

	// a code typed wrong is refused in Chinese, nothing starts
	await a.page.goto(`/institution/practical/${world.sessionId}`);
	await a.page.getByLabel(/准考证号/).fill('AX-ZK-P-1');
	await a.page.getByRole('button', { name: '查找考生' }).click();
	await expect(a.page.getByRole('alert')).toContainText('格式不正确');

	// candidate 1 (孙海涛): ticks, an undo, one tick while offline, evidence, sign
	await checkIn(a.page, world.a.code, '孙海涛');
	await a.page.getByTestId('tick-K21-D1').click();
	await a.page.getByTestId('tick-K21-D2').click();
	await expect(a.page.getByTestId('my-total')).toHaveText('我的计分：93 分');
	await a.page.getByRole('button', { name: '撤销第 2 步' }).click();
	await expect(a.page.getByTestId('sync-state')).toContainText('已同步（服务器计分 95 分');
	await a.context.setOffline(true);
	await a.page.getByTestId('tick-K11-D1').click();
	await expect(a.page.getByTestId('sync-state')).toContainText('网络断开');
	await expect(a.page.getByTestId('my-total')).toHaveText('我的计分：90 分');
	await a.context.setOffline(false);
	await expect(a.page.getByTestId('sync-state')).toContainText('已同步（服务器计分 90 分', { timeout: 15_000 });
	// a reload keeps every tick (they are on the server now)
	await a.page.reload();
	await expect(a.page.getByTestId('my-total')).toHaveText('我的计分：90 分');

	await a.page.getByLabel(/选择照片或短视频/).setInputFiles({ name: 'k21-现场.png', mimeType: 'image/png', buffer: TINY_PNG });
	await a.page.getByRole('button', { name: '上传' }).click();
	await expect(a.page.getByTestId('upload-message')).toContainText('已上传：k21-现场.png');
	await expect(a.page.getByRole('link', { name: 'k21-现场.png' })).toBeVisible();
	await a.page.getByTestId('signoff').click();
	await expect(a.page.getByTestId('action-done')).toContainText('还需 1 名考评员签字确认');

	// candidate 2 (钱焊工): the 否决项
	await checkIn(a.page, world.b.code, '钱焊工');
	await a.page.getByTestId('tick-K41-V1').click();
	await expect(a.page.getByTestId('veto-flag')).toBeVisible();
	await expect(a.page.getByTestId('sync-state')).toContainText('否决项');
	await a.page.getByTestId('signoff').click();
	await expect(a.page.getByTestId('action-done')).toContainText('还需 1 名考评员');

	// the second examiner scores both on their own phone
	const b = await phone(browser, info);
	await login(b.page, world.secondExaminer, TEST_PASSWORD);
	await b.page.goto(`/institution/practical/${world.sessionId}`);
	await b.page.getByTestId(`candidate-${world.a.attemptId}`).getByRole('link', { name: '评分页' }).click();
	await b.page.getByTestId('tick-K21-D1').click();
	await expect(b.page.getByTestId('sync-state')).toContainText('已同步（服务器计分 95 分');
	await b.page.getByTestId('signoff').click();
	await expect(b.page.getByTestId('action-done')).toContainText('成绩确定：92.5 分，合格');
	await b.page.goto(`/institution/practical/attempts/${world.b.attemptId}`);
	await b.page.getByTestId('tick-K41-V1').click();
	await expect(b.page.getByTestId('sync-state')).toContainText('已同步');
	await b.page.getByTestId('signoff').click();
	await expect(b.page.getByTestId('action-done')).toContainText('不合格');
	await expect(b.page.getByTestId('final-result')).toContainText('否决项未通过');

	// the candidate sees the result and the deductions
	const learner = await phone(browser, info);
	await login(learner.page, '13800000007');
	await learner.page.goto('/learner/special-ops/results');
	const card = learner.page.getByTestId(`result-${world.a.attemptId}`);
	await expect(card).toContainText('92.5 分，合格');
	await expect(card).toContainText('扣 5 分');

	// the district regulator sees the pass rate of the 考试点 and of each examiner
	const reg = await phone(browser, info);
	await login(reg.page, '13800000003');
	await reg.page.goto('/regulator/special-ops/practical');
	await expect(reg.page.getByRole('table').first()).toContainText('50%');
	await expect(reg.page.getByRole('table').nth(1)).toContainText('刘志强');
});
