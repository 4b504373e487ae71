import { expect, test, type Browser, type Page } from './fixtures.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/server.ts';
import { prepareCertHoldersDemoDir } from '../support/cert-factories.ts';

// Issue 20 item 6: a 一线从业人员 cannot be proposed for a 考核合格证 (the reason is shown and a forged
// form post is refused with it); the regulator's queue shows category, score (a link to the attempt)
// and the open integrity flags of each person.
process.env.ANXUN_KEY_ENCRYPTION_KEY ??= 'c'.repeat(64);
const PASSWORD = 'Anxun@2026';
let server: RunningServer;
let dir: string;
let prepared: Awaited<ReturnType<typeof prepareCertHoldersDemoDir>>;

test.beforeAll(async () => {
	test.setTimeout(300_000); // the demo seed is large
	dir = mkdtempSync(join(tmpdir(), 'anxun-holders-e2e-'));
	prepared = await prepareCertHoldersDemoDir(dir);
	server = await startServer({ ANXUN_DATA_DIR: dir });
});
test.afterAll(async () => {
	await server?.stop();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

async function login(browser: Browser, account: string): Promise<Page> {
	const context = await browser.newContext({ baseURL: server.url });
	const page = await context.newPage();
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
	return page;
}

test('the wrong kind of person is refused with the reason; the regulator sees category, score, attempt link and flags', async ({ browser }) => {
	test.setTimeout(120_000);
	const inst = await login(browser, '13800000004');
	await inst.goto(`/institution/certificates/${prepared.sessionId}`);
	const workerRow = inst.getByRole('row', { name: /钱前线/ });
	await expect(workerRow).toContainText('人员类别为“一线从业人员”，安全生产知识和管理能力考核合格证只发给主要负责人、实际控制人、安全生产管理人员');
	await expect(inst.getByRole('checkbox', { name: '选择钱前线' })).toBeDisabled();

	// a hand-made form post for the worker is refused with the same reason
	const forged = await inst.request.post(`/institution/certificates/${prepared.sessionId}?/propose`, {
		form: { attempt: String(prepared.workerAttempt) },
		headers: { origin: server.url, 'x-sveltekit-action': 'true' }
	});
	expect(forged.status()).toBeLessThan(500);
	expect(await forged.text()).toContain('人员类别为“一线从业人员”');

	await inst.getByRole('checkbox', { name: '选择赵敏' }).check();
	await inst.getByRole('button', { name: /提交发证申请（1 人）/ }).click();
	await expect(inst.getByTestId('propose-result')).toContainText('已提交 1 份发证申请');

	const reg = await login(browser, '13800000003');
	await reg.goto('/regulator/certificates');
	const row = reg.getByRole('row', { name: /赵敏/ });
	await expect(row.getByTestId('category')).toHaveText('安全生产管理人员');
	await expect(row.getByTestId('flags')).toContainText('⚠ 1 项未复核');
	await expect(row.getByTestId('flags')).toContainText('多次离开考试页面（7次）');
	await expect(reg.getByRole('row', { name: /钱前线/ })).toHaveCount(0);
	const score = row.getByTestId('score').getByRole('link');
	await expect(score).toHaveText('86 / 100 分');
	await score.click();
	await expect(reg).toHaveURL(new RegExp(`/regulator/attempts/${prepared.managerAttempt}$`));
	await expect(reg.getByText('赵敏').first()).toBeVisible();
});
