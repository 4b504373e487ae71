import { expect, test, type Locator, type Page } from './fixtures.ts';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startServer, type RunningServer } from '../support/server.ts';
import { openAccountMenu } from '../support/e2e-page.ts';

// A new deployment (ANXUN_SEED=reference, no organisations): `npm run admin:create` gives the first
// platform admin a one-time password; the admin changes it, creates the 渝北区 regulator and its
// admin account; that admin logs in with the one-time password and must choose a new one.
// Its own server: the shared e2e database is demo-seeded.
let server: RunningServer;
let adminPassword = '';

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	info.setTimeout(240_000);
	const dataDir = mkdtempSync(join(tmpdir(), 'anxun-org-e2e-'));
	const env = { ...process.env, DATABASE_URL: '', ANXUN_DATA_DIR: dataDir };
	const out = await promisify(execFile)(join(process.cwd(), 'node_modules/.bin/tsx'), ['scripts/admin-create.ts', '--account', '13900007777', '--name', '运营员'], { env });
	adminPassword = /一次性密码：(\S+)/.exec(out.stdout)![1]!;
	server = await startServer({ ANXUN_DATA_DIR: dataDir, ANXUN_SEED: 'reference' });
});

test.afterAll(async () => {
	await server?.stop();
});

async function login(page: Page, account: string, password: string) {
	await page.goto(`${server.url}/login`);
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(password);
	await page.getByRole('button', { name: '登录' }).click();
}

/** Fills and re-fills until the values stick: hydration of `value={…}` inputs clears text typed before it ran. */
async function fillAll(page: Page, fields: [Locator, string][]) {
	await expect(async () => {
		for (const [field, value] of fields) if ((await field.inputValue()) !== value) await field.fill(value);
		await page.waitForTimeout(700);
		for (const [field, value] of fields) expect(await field.inputValue()).toBe(value);
	}).toPass({ timeout: 30_000 });
}

async function changePassword(page: Page, current: string, next: string) {
	await expect(page).toHaveURL(/\/account\/password$/);
	await page.getByLabel('当前密码').fill(current);
	await page.getByLabel('新密码（至少8位，含字母和数字）').fill(next);
	await page.getByLabel('再次输入新密码').fill(next);
	await page.getByRole('button', { name: '保存新密码' }).click();
	await expect(page).not.toHaveURL(/\/account\/password/);
}

test('the first platform admin creates the 渝北区 regulator and its admin, who logs in and changes the password', async ({ page }) => {
	await login(page, '13900007777', adminPassword);
	await changePassword(page, adminPassword, 'Operator2026');

	await page.goto(`${server.url}/admin`);
	await page.getByRole('link', { name: '单位管理' }).click();
	await expect(page.getByRole('heading', { name: '单位管理' })).toBeVisible();
	await page.getByRole('link', { name: '新建单位' }).click();
	await page.getByRole('link', { name: '应急管理部门' }).click();
	await expect(page.getByRole('heading', { name: '新建应急管理部门' })).toBeVisible();
	await fillAll(page, [[page.getByLabel('单位名称'), '重庆市渝北区应急管理局']]);
	await page.getByLabel(/管辖区域/).selectOption({ label: '渝北区（区县）' });
	await page.getByRole('button', { name: '保存' }).click();

	await expect(page.getByRole('heading', { name: '重庆市渝北区应急管理局' })).toBeVisible();
	await expect(page.getByText('应急管理部门（区县级）')).toBeVisible();
	await fillAll(page, [[page.getByLabel('姓名'), '张卫东'], [page.getByLabel('手机号（登录账号）'), '13900008888']]);
	await page.getByRole('button', { name: '创建账号' }).click();
	const shown = page.getByTestId('one-time-password');
	await expect(shown).toContainText('此密码只显示这一次');
	const regulatorPassword = (await shown.locator('.password').textContent())!.trim();
	expect(regulatorPassword).toMatch(/^[A-Za-z0-9]{12}$/);
	await expect(page.getByRole('cell', { name: '待首次登录改密' })).toBeVisible();

	// a second try with the same 手机号 is refused and shows no password
	await fillAll(page, [[page.getByLabel('姓名'), '张卫东'], [page.getByLabel('手机号（登录账号）'), '13900008888']]);
	await page.getByRole('button', { name: '创建账号' }).click();
	await expect(page.getByText('已有账号，不能重复创建')).toBeVisible();
	await expect(page.getByTestId('one-time-password')).toHaveCount(0);

	await openAccountMenu(page);
	await page.getByRole('button', { name: '退出' }).click();
	await expect(page).toHaveURL(/\/login/);

	await login(page, '13900008888', regulatorPassword);
	await changePassword(page, regulatorPassword, 'Yubei2026x');
	await page.goto(`${server.url}/regulator/enterprises`);
	await expect(page.getByRole('heading', { name: /辖区企业/ })).toBeVisible();
	await expect(page.getByRole('link', { name: '登记企业' })).toBeVisible();
});
