import { expect, test, type Locator, type Page } from './fixtures.ts';
import { idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// An enterprise admin adds a person and prints their 激活码; the person activates with
// 身份证号 + 手机号 + 激活码. A wrong code is refused, and a used code cannot be used again.
// It runs on its own demo-seeded server: a person added to the shared e2e database would change
// the staff counts other journeys read.
const PASSWORD = 'Anxun@2026';

let server: RunningServer;

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	test.skip(info.project.name !== 'desktop', 'adds staff: desktop only');
	info.setTimeout(240_000);
	server = await startServer({});
});

test.afterAll(async () => {
	await server?.stop();
});

async function login(page: Page, account: string, password = PASSWORD) {
	await page.goto('/login');
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

async function activate(page: Page, p: { idNumber: string; mobile: string }, code: string, password: string) {
	await page.goto('/activate');
	await page.waitForLoadState('networkidle');
	await fillAll(page, [
		[page.getByLabel('身份证号'), p.idNumber],
		[page.getByLabel(/^手机号/), p.mobile],
		[page.getByLabel('激活码'), code],
		[page.getByLabel('设置密码'), password],
		[page.getByLabel('再次输入密码'), password]
	]);
	await page.getByRole('button', { name: '激活账号' }).click();
}

test('an admin prints an activation code and the person activates with it', async ({ browser }) => {
	const page = await (await browser.newContext({ baseURL: server.url })).newPage();
	const first17 = `50011219880606${String(700 + Math.floor(Math.random() * 99)).padStart(3, '0')}`;
	const person = { idNumber: first17 + idNumberCheckChar(first17), mobile: `1390000${String(Math.floor(Math.random() * 9000) + 1000)}` };

	await login(page, '13800000006');
	await expect(page).toHaveURL(/\/enterprise$/);
	await page.goto('/enterprise/staff/new');
	await page.waitForLoadState('networkidle');
	await fillAll(page, [
		[page.getByLabel(/^姓名/), '激活测试'],
		[page.getByLabel(/^身份证号/), person.idNumber],
		[page.getByLabel(/^手机号/), person.mobile]
	]);
	await page.getByLabel(/^人员类别/).selectOption({ label: '一线从业人员' });
	await page.getByRole('button', { name: '保存' }).click();
	await expect(page).toHaveURL(/\/enterprise\/staff\/\d+\?saved=created/);
	await page.waitForLoadState('networkidle');
	await page.getByRole('button', { name: '打印激活码' }).click();
	const codeCell = page.getByTestId('activation-code');
	await expect(codeCell).toHaveText(/^[2-9A-Z]{8}$/);
	const code = (await codeCell.innerText()).trim();

	const learner = await (await browser.newContext({ baseURL: server.url })).newPage();
	// without the right code: refused, and the message does not say which part was wrong
	await activate(learner, person, code.slice(0, 7) + (code.endsWith('Z') ? 'Y' : 'Z'), 'Welcome2026');
	await expect(learner.getByRole('alert')).toContainText('身份证号、手机号与激活码不匹配');
	// with it: activated, then signs in
	await activate(learner, person, code.toLowerCase(), 'Welcome2026');
	await expect(learner).toHaveURL(/\/login\?activated=1/);
	await login(learner, person.mobile, 'Welcome2026');
	await expect(learner).toHaveURL(/\/learner|\/$/);
	// the used code cannot activate again
	const other = await (await browser.newContext({ baseURL: server.url })).newPage();
	await activate(other, person, code, 'Another2026');
	await expect(other.getByRole('alert')).toContainText('身份证号、手机号与激活码不匹配');
});
