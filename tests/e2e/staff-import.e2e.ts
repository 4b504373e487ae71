import { expect, test, type Page } from './fixtures.ts';
import ExcelJS from 'exceljs';
import { idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';

// An enterprise admin downloads the template, fills it, and imports: a bad file writes nothing
// and lists each bad row; a good file adds everyone, who can then activate their account.
const PASSWORD = 'Anxun@2026';

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
}

function idNumber(seq: number): string {
	const first17 = `50011219920315${String(seq).padStart(3, '0')}`;
	return first17 + idNumberCheckChar(first17);
}

async function filledTemplate(page: Page, rows: (string | null)[][]): Promise<Buffer> {
	const template = await page.request.get('/enterprise/staff/template');
	expect(template.status()).toBe(200);
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(Buffer.from(await template.body()) as unknown as ArrayBuffer);
	const sheet = wb.getWorksheet('人员')!;
	rows.forEach((r, i) => (sheet.getRow(2 + i).values = r));
	return Buffer.from(await wb.xlsx.writeBuffer());
}

test('an enterprise admin imports staff from the Excel template', async ({ page }, info) => {
	test.skip(info.project.name !== 'desktop', 'adds staff: desktop only');
	await login(page, '13800000006');
	await expect(page).toHaveURL(/\/enterprise$/);
	await page.goto('/enterprise/staff');
	const total = page.getByText(/共 \d+ 人/).first();
	await expect(total).toBeVisible();
	const before = Number(/共 (\d+) 人/.exec(await total.innerText())![1]);
	await page.getByRole('link', { name: /导入/ }).first().click();
	await expect(page.getByRole('heading', { name: '从 Excel 导入人员名单' })).toBeVisible();

	const bad = idNumber(901).slice(0, 17) + (idNumber(901).endsWith('0') ? '1' : '0');
	const badFile = await filledTemplate(page, [
		['钱一', idNumber(901), '13911112201', '一线从业人员', '装配工', null, '2025-03-01'],
		['钱二', bad, '13911112202', '一线从业人员', '装配工', null, null],
		['钱三', idNumber(903), '13911112201', '特种作业人员', '电工', null, null]
	]);
	await page.getByLabel('Excel 文件（.xlsx）').setInputFiles({ name: 'staff.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: badFile });
	await page.getByRole('button', { name: '上传并导入' }).click();
	const checksum = page.locator('tr', { hasText: '校验位' });
	await expect(checksum).toBeVisible({ timeout: 20_000 });
	await expect(checksum.locator('td').first()).toHaveText('3');
	// row 4 repeats row 2's 手机号 and lacks the 特种作业 item
	await expect(page.locator('tr').filter({ has: page.locator('td:first-child', { hasText: /^4$/ }) }).first()).toBeVisible();

	const goodFile = await filledTemplate(page, [
		['钱一', idNumber(901), '13911112201', '一线从业人员', '装配工', null, '2025-03-01'],
		['钱四', idNumber(904), '13911112204', '特种作业人员', '焊工', '2.1', null]
	]);
	await page.getByLabel('Excel 文件（.xlsx）').setInputFiles({ name: 'staff.xlsx', mimeType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', buffer: goodFile });
	await page.getByRole('button', { name: '上传并导入' }).click();
	await expect(page).toHaveURL(/\/enterprise\/staff\?imported=2/, { timeout: 20_000 });
	await expect(page.getByText(`共 ${before + 2} 人`)).toBeVisible();

	// the new people have no courses yet; generating the annual plan assigns them by role category
	await page.goto('/enterprise/plan');
	await expect(page.getByTestId('unassigned')).toHaveText('2');
	await page.getByRole('button', { name: /生成 \d+ 年度计划/ }).click();
	// other journeys may have published courses too, so the count of new enrolments varies
	await expect(page.getByRole('status').filter({ hasText: /新增 \d+ 项培训安排/ })).toBeVisible();
	await expect(page.getByTestId('unassigned')).toHaveText('0');
	await expect(page.getByRole('row', { name: /钱四/ })).toContainText('一线从业人员年度安全再培训');
});
