import { expect, test, type Browser, type Locator, type Page } from './fixtures.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { openAccountMenu } from '../support/e2e-page.ts';

// 账号管理 and 找回密码: an enterprise admin creates an account (the person must change the
// initial password first), issues a reset code, and the person sets a new password with it; a
// used code is refused. A user ends a session on another device from 登录设备.
// Its own demo-seeded server: new accounts must not change what other journeys count.
const PASSWORD = 'Anxun@2026';
let server: RunningServer;

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	info.setTimeout(240_000);
	server = await startServer({});
});

test.afterAll(async () => {
	await server?.stop();
});

/** A new browser (its own cookies) with the project's device. */
async function newPage(browser: Browser): Promise<Page> {
	const { viewport, userAgent, isMobile, hasTouch, deviceScaleFactor, locale, timezoneId } = test.info().project.use;
	const context = await browser.newContext({ baseURL: server.url, viewport, userAgent, isMobile, hasTouch, deviceScaleFactor, locale, timezoneId });
	return context.newPage();
}

/** Fills and re-fills until the values stick: hydration of `value={…}` inputs clears text typed before it ran. */
async function fillAll(page: Page, fields: [Locator, string][]) {
	await expect(async () => {
		for (const [field, value] of fields) if ((await field.inputValue()) !== value) await field.fill(value);
		await page.waitForTimeout(500);
		for (const [field, value] of fields) expect(await field.inputValue()).toBe(value);
	}).toPass({ timeout: 30_000 });
}

async function login(page: Page, account: string, password = PASSWORD) {
	await page.goto('/login');
	await page.waitForLoadState('networkidle');
	await fillAll(page, [
		[page.getByLabel('手机号或身份证号'), account],
		[page.getByLabel('密码'), password]
	]);
	await page.getByRole('button', { name: '登录' }).click();
	await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

test('an admin creates an account and issues a reset code; the person must set a new password', async ({ browser }) => {
	test.setTimeout(180_000);
	const admin = await newPage(browser);
	await login(admin, '13800000006'); // 赵敏, 渝北精工 enterprise admin
	await openAccountMenu(admin);
	await admin.getByRole('link', { name: '账号管理' }).click();
	await expect(admin.getByRole('heading', { name: '账号管理' })).toBeVisible();
	await admin.waitForLoadState('networkidle');
	// a regulator is not among the roles an enterprise admin can give
	await expect(admin.getByLabel('角色', { exact: true }).locator('option')).toHaveText(['企业管理员', '学员']);
	await fillAll(admin, [
		[admin.getByLabel('姓名'), '钱安全'],
		[admin.getByLabel('手机号（登录账号）'), '13912345001']
	]);
	await admin.getByLabel('角色', { exact: true }).selectOption({ label: '企业管理员' });
	await admin.getByRole('button', { name: '创建账号' }).click();
	await expect(admin.getByRole('heading', { name: '账号已创建' })).toBeVisible();
	const initial = (await admin.getByTestId('initial-password').textContent())!.trim();
	expect(initial).toMatch(/^[A-Za-z0-9]{10}$/);

	// first login: the password must be changed before anything else
	const person = await newPage(browser);
	await login(person, '13912345001', initial);
	await expect(person).toHaveURL(/\/account\/password$/);
	await expect(person.getByText('须先设置新密码')).toBeVisible();
	await person.goto('/account/sessions');
	await expect(person).toHaveURL(/\/account\/password$/);

	// the admin issues a one-time reset code
	await admin.reload();
	const card = admin.getByRole('article', { name: '钱安全' });
	await expect(card.getByText('从未登录')).toHaveCount(0);
	await card.getByRole('button', { name: '为钱安全生成重置码' }).click();
	await expect(admin.getByRole('heading', { name: '重置码已生成' })).toBeVisible();
	const code = (await admin.getByTestId('reset-code').textContent())!.trim();
	expect(code).toMatch(/^[2-9A-Z]{8}$/);

	// the person follows 忘记密码 from the login page and sets a new password with the code
	const fresh = await newPage(browser);
	await fresh.goto('/login');
	await fresh.getByRole('link', { name: '忘记密码' }).click();
	await expect(fresh.getByRole('heading', { name: '忘记密码' })).toBeVisible();
	await fresh.getByRole('link', { name: '已有重置码或验证码？设置新密码' }).click();
	await expect(fresh.getByRole('heading', { name: '重置密码' })).toBeVisible();
	await fresh.waitForLoadState('networkidle');
	const resetWith = async (c: string, pw: string) => {
		await fillAll(fresh, [
			[fresh.getByLabel('手机号或身份证号'), '13912345001'],
			[fresh.getByLabel('重置码或验证码'), c],
			[fresh.getByLabel('新密码（至少8位，含字母和数字）'), pw],
			[fresh.getByLabel('再次输入新密码'), pw]
		]);
		await fresh.getByRole('button', { name: '设置新密码' }).click();
	};
	await resetWith(code, 'Reset2026ok');
	await expect(fresh).toHaveURL(/\/login\?reset=1$/);
	await expect(fresh.getByText('密码已重置，请用新密码登录。')).toBeVisible();
	// the old session ended with the reset
	await person.goto('/account/password');
	await expect(person).toHaveURL(/\/login$/);

	await login(fresh, '13912345001', 'Reset2026ok');
	await expect(fresh).toHaveURL(/\/enterprise$/);

	// the same code a second time is refused, in Chinese
	const again = await newPage(browser);
	await again.goto('/reset');
	await again.waitForLoadState('networkidle');
	const fields: [Locator, string][] = [
		[again.getByLabel('手机号或身份证号'), '13912345001'],
		[again.getByLabel('重置码或验证码'), code],
		[again.getByLabel('新密码（至少8位，含字母和数字）'), 'Another2026'],
		[again.getByLabel('再次输入新密码'), 'Another2026']
	];
	await fillAll(again, fields);
	await again.getByRole('button', { name: '设置新密码' }).click();
	await expect(again.getByText('该重置码已经使用过')).toBeVisible();
});

test('a user sees the devices signed in and ends another one', async ({ browser }) => {
	test.setTimeout(120_000);
	const other = await newPage(browser);
	await login(other, '13800000007'); // 孙海涛
	await expect(other).toHaveURL(/\/learner$/);
	const here = await newPage(browser);
	await login(here, '13800000007');
	await openAccountMenu(here);
	await here.getByRole('link', { name: '登录设备' }).click();
	await expect(here.getByRole('heading', { name: '登录设备' })).toBeVisible();
	await expect(here.getByText('本设备', { exact: true })).toBeVisible();
	const ends = here.getByRole('button', { name: '结束登录' });
	const before = await ends.count();
	expect(before).toBeGreaterThanOrEqual(1);
	await ends.first().click();
	await expect(here.getByText('已结束该设备的登录。')).toBeVisible();
	await expect(here.getByRole('button', { name: '结束登录' })).toHaveCount(before - 1);
	// the other device is signed out; this one is not
	await other.goto('/learner');
	await expect(other).toHaveURL(/\/login$/);
	await here.goto('/learner');
	await expect(here).toHaveURL(/\/learner$/);
});
