import { expect, test, type Page } from './fixtures.ts';

// Issue 7 "Done when": a regulator sees the seeded targets with real rates, drills down to a
// missing person, exports the gap list, opens a "走过场" finding and its evidence, audits a
// certificate. Needs seedDemoCoverage in the demo seed (seeds/index.ts).
const PASSWORD = 'Anxun@2026';

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(/\/regulator$/);
}

test('a city regulator follows coverage down to a person, exports gaps, checks a finding and a certificate', async ({ page }) => {
	await login(page, '13800000002');
	await page.getByRole('link', { name: '全覆盖培训目标' }).click();
	const targets = page.getByTestId('targets');
	await expect(targets.getByRole('link', { name: /党政领导干部/ })).toBeVisible();
	await expect(targets.getByRole('link', { name: /特种作业人员全面持证上岗/ })).toBeVisible();
	// real rates: at least one target part-way (neither 0% nor 100%)
	await expect(targets.getByText(/\b([1-9]\d?(\.\d)?)%/).first()).toBeVisible();

	await targets.getByRole('link', { name: /全员岗位安全生产责任制/ }).click();
	await expect(page.getByTestId('rate')).toHaveText(/\d+(\.\d)?%/);
	await expect(page.getByRole('img', { name: /月度覆盖率/ })).toBeVisible();
	await page.getByTestId('children').getByRole('link', { name: '渝北区' }).click();
	await page.getByTestId('children').getByRole('link', { name: '双龙湖街道' }).click();
	await page.getByTestId('orgs').getByRole('link', { name: /双龙湖精细化工/ }).click();
	const missing = page.getByTestId('persons').getByRole('row').filter({ hasText: '缺少' }).first();
	await expect(missing).toBeVisible();
	await missing.getByRole('link').click();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('的学习与考试记录');
	await expect(page.getByTestId('coverage')).toContainText('未覆盖');

	// the gap list of the whole region, as a streamed Excel file
	await page.goBack();
	await page.goBack();
	const download = page.waitForEvent('download');
	await page.getByTestId('export-gaps').click();
	expect((await download).suggestedFilename()).toMatch(/\.xlsx$/);

	// a finding and its evidence
	await page.goto('/regulator/findings?rule=exam_identical');
	const finding = page.getByTestId('findings').getByRole('listitem').first();
	await expect(finding).toContainText('作答雷同');
	await finding.getByRole('link').first().click();
	await expect(page.getByRole('heading', { name: '考试过程记录' })).toBeVisible();
	await expect(page.getByTestId('timeline')).toContainText('交卷');
	await expect(page.getByTestId('timeline')).not.toContainText('submitted');

	// certificate audit: search the registry, see the 持证上岗 gaps and the duplicate
	await page.goto('/regulator/audit');
	await page.getByLabel('证书编号、姓名或单位').fill('TZ-');
	await page.getByRole('button', { name: '查询' }).click();
	await expect(page.getByTestId('registry').getByRole('row')).not.toHaveCount(1);
	await expect(page.getByTestId('uncertified').getByRole('row').nth(1)).toBeVisible();
	await expect(page.getByTestId('duplicates').getByRole('listitem')).toHaveCount(1);
});

test('a 区县 regulator sees only its own region', async ({ page }) => {
	await login(page, '13800000010'); // 长寿区
	await page.goto('/regulator/coverage');
	await expect(page.getByTestId('targets')).not.toContainText('矿山企业重点岗位'); // 铜梁区's target
	const res = await page.goto('/regulator/coverage/1?node=500112');
	expect(res?.status()).toBe(404);
});
