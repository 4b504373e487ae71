import { expect, test, type Page } from './fixtures.ts';
import ExcelJS from 'exceljs';
import { readFile } from 'node:fs/promises';
import { creditCodeCheckChar } from '../../src/lib/domain/identifiers.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// Its own demo-seeded server: imported enterprises would change the 渝北 counts other journeys read.
let server: RunningServer;

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	info.setTimeout(240_000);
	server = await startServer({});
});

test.afterAll(async () => {
	await server?.stop();
});

// A district regulator downloads the 企业名录 template, fills it, and imports: a file with one
// bad row writes nothing and names the row and column; the fixed file adds the enterprises,
// which then appear in 辖区企业.
const PASSWORD = 'Anxun@2026';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
}

function creditCode(project: string, n: number): string {
	const first17 = `93500112E${project === 'mobile' ? 'M' : 'D'}${String(n).padStart(7, '0')}`;
	return first17 + creditCodeCheckChar(first17);
}

async function filled(template: Buffer, rows: (string | null)[][]): Promise<Buffer> {
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(template as unknown as ArrayBuffer);
	const sheet = wb.getWorksheet('企业名录')!;
	rows.forEach((r, i) => (sheet.getRow(2 + i).values = r));
	return Buffer.from(await wb.xlsx.writeBuffer());
}

test('a district regulator imports its enterprise directory from the Excel template', async ({ browser }, info) => {
	const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = info.project.use;
	const page = await (await browser.newContext({ baseURL: server.url, locale: 'zh-CN', viewport, userAgent, deviceScaleFactor, isMobile, hasTouch })).newPage();
	const p = info.project.name;
	await login(page, '13800000003');
	await expect(page).toHaveURL(/\/regulator$/);
	await page.goto('/regulator/enterprises');
	await page.getByRole('link', { name: '导入企业名录（Excel）' }).click();
	await expect(page.getByRole('heading', { name: '从 Excel 导入企业名录' })).toBeVisible();

	const download = page.waitForEvent('download');
	await page.getByRole('link', { name: '下载企业名录模板（.xlsx）' }).click();
	const template = await readFile((await (await download).path())!);

	const a = `名录甲${p}机械有限公司`;
	const b = `名录乙${p}化工有限公司`;
	const badFile = await filled(template, [
		[creditCode(p, 1), a, '龙溪街道', '机械', '渝北区龙溪街道8号', '王甲', '李乙', '023-67000001'],
		[creditCode(p, 2), b, '凤城街道', '危险化学品', null, null, null, null]
	]);
	const input = page.getByLabel('Excel 文件（.xlsx）');
	await input.setInputFiles({ name: '企业名录.xlsx', mimeType: XLSX, buffer: badFile });
	await page.getByRole('button', { name: '上传并导入' }).click();
	const bad = page.getByRole('row', { name: /不在本辖区内/ });
	await expect(bad).toBeVisible({ timeout: 20_000 });
	await expect(bad.getByRole('cell').nth(0)).toHaveText('3');
	await expect(bad.getByRole('cell').nth(1)).toHaveText('所在区县/乡镇街道');
	await expect(page.getByText('导入失败：共 1 行有问题，未导入任何企业')).toBeVisible();

	const goodFile = await filled(template, [
		[creditCode(p, 1), a, '龙溪街道', '机械', '渝北区龙溪街道8号', '王甲', '李乙', '023-67000001'],
		[creditCode(p, 2), b, '回兴街道', '危险化学品', null, null, null, null]
	]);
	await input.setInputFiles({ name: '企业名录.xlsx', mimeType: XLSX, buffer: goodFile });
	await page.getByRole('button', { name: '上传并导入' }).click();
	await expect(page.getByRole('status').filter({ hasText: '新增 2 家、更新 0 家、未变 0 家' })).toBeVisible({ timeout: 20_000 });
	await expect(page.getByRole('row', { name: /不在本辖区内/ })).toHaveCount(0);

	await page.getByRole('link', { name: '查看辖区企业' }).click();
	await expect(page.getByRole('link', { name: a })).toBeVisible();
	await expect(page.getByRole('row', { name: new RegExp(b) })).toContainText('危险化学品（高危）');
});
