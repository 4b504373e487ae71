import { expect, test, type Page } from './fixtures.ts';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill('Anxun@2026');
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
}

test.describe.configure({ mode: 'serial' });

test('browse, search and preview a platform bank with its cited article', async ({ page }) => {
	await login(page, '13800000004');
	await page.goto('/institution/banks');
	await expect(page.getByRole('link', { name: /新《安全生产法》/ })).toBeVisible();
	await page.getByRole('link', { name: /新《安全生产法》/ }).click();
	await expect(page.getByTestId('result-count')).toContainText('166');
	await page.getByLabel('搜索题干、选项、解析').fill('第一责任人');
	await page.getByRole('button', { name: '筛选' }).click();
	await expect(page).toHaveURL(/q=/);
	await expect(page.getByTestId('result-count')).not.toContainText('166');
	const count = Number((await page.getByTestId('result-count').innerText()).replace(/\D/g, ''));
	expect(count).toBeGreaterThan(0);
	expect(count).toBeLessThan(166);
	await page.locator('ol.questions a').first().click();
	await expect(page.getByRole('heading', { name: '预览（考生所见）' })).toBeVisible();
	await expect(page.getByText('《中华人民共和国安全生产法（2021年修正）》')).toBeVisible();
	await expect(page.getByRole('heading', { name: '编辑' })).toHaveCount(0); // platform bank: read-only
});

test('export a bank, import it as our own, edit a question into version 2, and reject a bad file', async ({ page }, info) => {
	test.skip(info.project.name !== 'desktop', 'creates a bank; run once');
	await login(page, '13800000004');
	await page.goto('/institution/banks/hazchem-registration');
	const download = page.waitForEvent('download');
	await page.getByRole('link', { name: '导出 Excel' }).click();
	const file = await (await download).path();
	const dir = mkdtempSync(join(tmpdir(), 'anxun-e2e-xlsx-'));
	const xlsx = join(dir, 'hazchem.xlsx');
	writeFileSync(xlsx, readFileSync(file));

	await page.goto('/institution/banks');
	await page.getByLabel('题库代码（小写字母、数字、连字符）').fill('our-hazchem');
	await page.getByLabel('题库名称').fill('本中心危化品登记题库');
	await page.getByLabel('Excel 文件（.xlsx）').setInputFiles(xlsx);
	await page.getByRole('button', { name: '导入并新建题库' }).click();
	await expect(page).toHaveURL(/\/institution\/banks\/our-hazchem/);
	await expect(page.getByTestId('result-count')).toContainText('78');

	await page.locator('ol.questions a').first().click();
	await expect(page.getByRole('heading', { name: '编辑' })).toBeVisible();
	const stem = page.getByLabel('题干');
	await stem.fill(`${await stem.inputValue()}（本中心修订）`);
	await page.getByRole('button', { name: '保存（生成新版本）' }).click();
	await expect(page.getByText('已保存。')).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('第2版');
	await expect(page.getByText('网页编辑')).toBeVisible();

	// a text file renamed .xlsx: clear error, nothing written
	const bad = join(dir, 'bad.xlsx');
	writeFileSync(bad, '这不是 Excel 文件');
	await page.goto('/institution/banks/our-hazchem');
	await page.getByLabel('Excel 文件（.xlsx）').setInputFiles(bad);
	await page.getByRole('button', { name: '导入', exact: true }).click();
	await expect(page.getByRole('alert').first()).toContainText('导入失败');
	await expect(page.getByText('不是有效的 Excel')).toBeVisible();
	await expect(page.getByTestId('result-count')).toContainText('78');
});
