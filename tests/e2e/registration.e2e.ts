import { devices, expect, test, type Locator, type Page } from './fixtures.ts';
import { creditCodeCheckChar, idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// 实名注册: an enterprise applies on a phone; the 渝北区 regulator confirms and is shown the one-time
// password; the new enterprise admin signs in with it and must choose a new password first.
// Runs on its own demo-seeded server: a new enterprise would change counts other journeys read.
const PASSWORD = 'Anxun@2026';
let server: RunningServer;

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	test.skip(info.project.name !== 'mobile', 'registers an enterprise: mobile only');
	info.setTimeout(240_000);
	server = await startServer({});
});

test.afterAll(async () => {
	await server?.stop();
});

/** Fills and re-fills until the values stick: hydration of `value={…}` inputs clears text typed before it ran. */
async function fillAll(page: Page, fields: [Locator, string][]) {
	await expect(async () => {
		for (const [field, value] of fields) if ((await field.inputValue()) !== value) await field.fill(value);
		await page.waitForTimeout(500);
		for (const [field, value] of fields) expect(await field.inputValue()).toBe(value);
	}).toPass({ timeout: 30_000 });
}

async function login(page: Page, account: string, password: string) {
	await page.goto('/login');
	await page.waitForLoadState('networkidle');
	await fillAll(page, [
		[page.getByLabel('手机号或身份证号'), account],
		[page.getByLabel('密码'), password]
	]);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
}

test('an enterprise registers, the regulator confirms, the new admin signs in and changes the one-time password', async ({ browser }) => {
	test.setTimeout(120_000);
	const first17Code = '91500112MA6E2E000';
	const creditCode = first17Code + creditCodeCheckChar(first17Code);
	const first17Id = '50011219880808001';
	const idNumber = first17Id + idNumberCheckChar(first17Id);
	const mobile = '13966600001';

	// the applicant, on a phone, from the login page
	const applicant = await (await browser.newContext({ ...devices['Pixel 7'], baseURL: server.url, locale: 'zh-CN' })).newPage();
	await applicant.goto('/login');
	await applicant.getByRole('link', { name: '企业注册' }).click();
	await expect(applicant).toHaveURL(/\/register$/);
	await applicant.waitForLoadState('networkidle');
	await applicant.getByLabel('所在区县').selectOption({ label: '渝北区' });
	await applicant.getByLabel('乡镇（街道）').selectOption({ label: '龙溪街道' });
	await applicant.getByLabel('行业').selectOption('it_machinery');
	const wrongId = idNumber.slice(0, 17) + (idNumber[17] === '0' ? '1' : '0');
	await fillAll(applicant, [
		[applicant.getByLabel('统一社会信用代码'), creditCode],
		[applicant.getByLabel('企业名称'), '重庆龙溪新注册机械有限公司'],
		[applicant.getByLabel('地址'), '渝北区龙溪街道新南路8号'],
		[applicant.getByLabel('姓名'), '钱注册'],
		[applicant.getByLabel('身份证号'), wrongId],
		[applicant.getByLabel('手机号'), mobile]
	]);
	await applicant.getByRole('button', { name: '提交注册申请' }).click();
	await expect(applicant.getByText('校验位不正确')).toBeVisible();
	await fillAll(applicant, [[applicant.getByLabel('身份证号'), idNumber]]);
	await applicant.getByRole('button', { name: '提交注册申请' }).click();
	await expect(applicant.getByRole('status')).toContainText('已提交“重庆龙溪新注册机械有限公司”的注册申请');

	// the 渝北区 regulator confirms
	const regulator = await (await browser.newContext({ baseURL: server.url, locale: 'zh-CN' })).newPage();
	await login(regulator, '13800000003', PASSWORD);
	await regulator.goto('/regulator/registrations');
	await regulator.getByRole('link', { name: '重庆龙溪新注册机械有限公司' }).click();
	await expect(regulator.getByText('5001**********')).toBeVisible();
	await regulator.getByRole('button', { name: '通过并创建企业管理员账号' }).click();
	const otp = (await regulator.getByTestId('one-time-password').textContent())!.trim();
	expect(otp).toMatch(/^[A-Za-z2-9]{10}$/);

	// the applicant sees the decision, then signs in with the one-time password and must change it
	await applicant.goto('/register/status');
	await applicant.waitForLoadState('networkidle');
	await fillAll(applicant, [
		[applicant.getByLabel('统一社会信用代码'), creditCode],
		[applicant.getByLabel('联系人手机号'), mobile]
	]);
	await applicant.getByRole('button', { name: '查询' }).click();
	await expect(applicant.getByRole('status')).toContainText('已通过');

	await login(applicant, mobile, otp);
	await expect(applicant).toHaveURL(/\/account\/password$/);
	await applicant.waitForLoadState('networkidle');
	await fillAll(applicant, [
		[applicant.getByLabel('当前密码'), otp],
		[applicant.getByLabel(/^新密码/), 'Longxi2026'],
		[applicant.getByLabel('再次输入新密码'), 'Longxi2026']
	]);
	await applicant.getByRole('button', { name: '保存新密码' }).click();
	await applicant.goto('/enterprise');
	await expect(applicant).toHaveURL(/\/enterprise$/);
	await expect(applicant.getByRole('heading', { level: 1, name: '重庆龙溪新注册机械有限公司' })).toBeVisible();
	await expect(applicant.getByRole('heading', { name: '在册人员 1 人' })).toBeVisible();
});
