import { openAccountMenu } from '../support/e2e-page.ts';
import { expect, test, type Page } from './fixtures.ts';

const PASSWORD = 'Anxun@2026';

async function login(page: Page, account: string, password = PASSWORD) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(password);
	await page.getByRole('button', { name: '登录' }).click();
}

test('an enterprise admin sees staff counts by role category and a masked staff list', async ({ page }) => {
	await login(page, '13800000006');
	await expect(page).toHaveURL(/\/enterprise$/);
	await expect(page.getByRole('heading', { name: '重庆渝北精工机械有限公司' })).toBeVisible();
	await expect(page.getByText('在册人员 42 人')).toBeVisible();
	await expect(page.getByTestId('count-special_worker')).toContainText('8');
	await page.getByTestId('count-special_worker').click();
	await expect(page).toHaveURL(/role=special_worker/);
	await expect(page.getByText('共 8 人')).toBeVisible();
	const firstId = await page.locator('tbody tr td:nth-child(2)').first().innerText();
	expect(firstId).toMatch(/^\d{4}\*{10}[\dX]{4}$/);
	// the page never carries a full 18-digit ID number
	expect(await page.content()).not.toMatch(/\b5001\d{13}[\dX]\b/);
});

test('a person with two memberships switches between enterprise admin and learner', async ({ page }) => {
	await login(page, '13800000006');
	await openAccountMenu(page);
	await page.getByLabel('切换身份').selectOption({ label: '学员 · 重庆渝北精工机械有限公司' });
	await expect(page).toHaveURL(/\/learner$/);
	await expect(page.getByRole('heading', { name: '我的学习' })).toBeVisible();
	await expect(page.getByText('安全生产管理人员', { exact: true })).toBeVisible();
});

test('a learner logging in with 身份证号 sees their profile, this year\'s courses and plainly empty lists', async ({ page }) => {
	await login(page, '500115197803150011');
	await expect(page).toHaveURL(/\/learner$/);
	await expect(page.getByRole('heading', { name: '周长风' })).toBeVisible();
	await expect(page.getByText('5001**********0011')).toBeVisible();
	await expect(page.getByRole('link', { name: '高危行业主要负责人和安全生产管理人员年度再培训' })).toBeVisible();
	// the open demo session is on the home page as on 我的考试 (issue 20)
	await expect(page.getByRole('region', { name: '我的考试' }).getByRole('link', { name: '安全生产法知识考试（演示，进行中）' })).toBeVisible();
	await expect(page.getByText('暂无考试安排')).toHaveCount(0);
	await expect(page.getByText('暂无证书')).toBeVisible();
});

test('wrong password and malformed account get Chinese messages', async ({ page }) => {
	await login(page, '13800000007', 'wrong-password');
	await expect(page.getByRole('alert')).toContainText('账号或密码错误');
	await login(page, '12345');
	await expect(page.getByText('账号格式不正确')).toBeVisible();
});

test('an imported account must change its password first', async ({ page }, info) => {
	test.skip(info.project.name !== 'desktop', 'changes the demo password; run once');
	await login(page, '13800000009');
	await expect(page).toHaveURL(/\/account\/password$/);
	await expect(page.getByText('首次登录')).toBeVisible();
	await page.goto('/enterprise');
	await expect(page).toHaveURL(/\/account\/password$/);
	await page.getByLabel('当前密码').fill(PASSWORD);
	await page.getByLabel('新密码（至少8位，含字母和数字）').fill('short');
	await page.getByLabel('再次输入新密码').fill('short');
	await page.getByRole('button', { name: '保存新密码' }).click();
	await expect(page.getByText('新密码至少8位')).toBeVisible();
	await page.getByLabel('当前密码').fill(PASSWORD);
	await page.getByLabel('新密码（至少8位，含字母和数字）').fill('NewSecret2026');
	await page.getByLabel('再次输入新密码').fill('NewSecret2026');
	await page.getByRole('button', { name: '保存新密码' }).click();
	await expect(page).toHaveURL(/\/enterprise$/);
	await expect(page.getByRole('heading', { name: '重庆长风化工有限公司' })).toBeVisible();
});

test('a district regulator sees only their region; the city sees all', async ({ page }) => {
	await login(page, '13800000003');
	await expect(page).toHaveURL(/\/regulator$/);
	await expect(page.getByRole('heading', { name: /渝北区/ })).toBeVisible();
	// the two 渝北 enterprises of the base demo and the three of the coverage demo
	await expect(page.getByTestId('enterprises')).toHaveText(/^\s*5\s*企业\s*$/);
	await page.getByRole('link', { name: '辖区企业名单' }).click();
	await expect(page.getByRole('link', { name: '重庆渝北精工机械有限公司' })).toBeVisible();
	await expect(page.getByText('重庆长风化工有限公司')).toHaveCount(0);
	await openAccountMenu(page);
	await page.getByRole('button', { name: '退出' }).click();
	await login(page, '13800000002');
	await expect(page.getByTestId('enterprises')).toHaveText(/^\s*9\s*企业\s*$/);
});

test('the platform admin sees organisation counts and an intact audit chain; logout ends the session', async ({ page }) => {
	await login(page, '13800000001');
	await expect(page).toHaveURL(/\/admin$/);
	await expect(page.getByTestId('audit-ok')).toContainText('哈希链校验通过');
	await expect(page.getByRole('cell', { name: 'login.ok' }).first()).toBeVisible();
	await openAccountMenu(page);
	await page.getByRole('button', { name: '退出' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await page.goto('/admin');
	await expect(page).toHaveURL(/\/login$/);
});

test('the login form works with the keyboard alone', async ({ page }) => {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').focus();
	await page.keyboard.type('13800000005');
	await page.keyboard.press('Tab');
	await page.keyboard.type(PASSWORD);
	await page.keyboard.press('Enter');
	await expect(page).toHaveURL(/\/institution$/);
	await expect(page.getByTestId('staff-examiner')).toContainText('1');
});
