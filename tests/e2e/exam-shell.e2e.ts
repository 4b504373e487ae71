import { expect, test } from './fixtures.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { prepareServerDatabase, seedExamScenario } from '../support/exam-factories.ts';

// During an exam attempt the page is a focused sheet: no account menu or 退出, one way out behind a confirm.
// Own server and database, as in exam.e2e.ts (the demo seed has no open session).
const PASSWORD = 'Anxun@2026';
const LEARNER = '13800000007';

let server: RunningServer;

test.describe.configure({ mode: 'serial' });

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	test.skip(info.project.name !== 'mobile', 'the exam runs on the phone viewport');
	info.setTimeout(240_000);
	const prepared = await prepareServerDatabase('pglite', (db) => seedExamScenario(db, { learners: [LEARNER], sessions: [{ name: '专注考试页面', reviewPolicy: 'score_only' }] }));
	server = await startServer(prepared.env);
});

test.afterAll(async () => {
	await server?.stop();
});

test('an exam attempt hides the account menu and asks before leaving', async ({ page }) => {
	test.setTimeout(180_000);
	await page.goto(`${server.url}/login`);
	await page.getByLabel('手机号或身份证号').fill(LEARNER);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(/\/learner$/);
	await page.goto(`${server.url}/learner/exams`);
	await page.getByRole('link', { name: '专注考试页面' }).click();
	await page.getByRole('button', { name: '开始考试' }).click();
	await expect(page).toHaveURL(/\/learner\/exams\/attempts\/\d+$/);
	const attemptUrl = page.url();
	await expect(page.getByTestId('clock')).toBeVisible();

	await expect(page.getByRole('button', { name: '退出' })).toHaveCount(0);
	await expect(page.getByRole('button', { name: '菜单' })).toHaveCount(0);
	await expect(page.getByRole('link', { name: '修改密码' })).toHaveCount(0);
	const header = (await page.locator('header.top').boundingBox())!;
	expect(header.height).toBeLessThanOrEqual(page.viewportSize()!.height * 0.1);

	// 离开考试 asks first; 继续答题 stays on the attempt
	await page.getByRole('link', { name: '离开考试' }).click();
	const dialog = page.getByRole('dialog', { name: '离开考试？' });
	await expect(dialog).toBeVisible();
	await expect(dialog).toContainText('计时不会暂停');
	await dialog.getByRole('button', { name: '继续答题' }).click();
	await expect(dialog).toBeHidden();
	expect(page.url()).toBe(attemptUrl);

	await page.getByRole('link', { name: '离开考试' }).click();
	await dialog.getByRole('link', { name: '确定离开' }).click();
	await expect(page).toHaveURL(/\/learner\/exams$/);
	await expect(page.getByRole('button', { name: '菜单' })).toBeVisible();
});
