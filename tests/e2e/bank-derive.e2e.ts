import { expect, test, type Page } from './fixtures.ts';

// Issue 20: an institution derives its own bank from a platform bank in one step, edits a
// question (citation picked by document title and article), and builds a blueprint choosing
// knowledge points by name.

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill('Anxun@2026');
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
}

test.describe.configure({ mode: 'serial' });

test('derive a bank from a platform bank, edit a question, build a blueprint by knowledge-point names', async ({ page }, info) => {
	const code = `aqsc-derived-${info.project.name}`;
	await login(page, '13800000004');
	await page.goto('/institution/banks/aqsc-law-2021');
	await page.waitForLoadState('networkidle');
	await page.locator('summary', { hasText: '以此为基础建立本机构题库' }).click();
	await page.getByLabel('新题库代码（小写字母、数字、连字符）').fill(code);
	await page.getByLabel('新题库名称').fill(`本中心安全生产法题库（${info.project.name}）`);
	await page.getByRole('button', { name: '以此为基础建立本机构题库' }).click();
	await expect(page).toHaveURL(new RegExp(`/institution/banks/${code}\\?derived=166`));
	await expect(page.getByRole('status')).toContainText('已建立本机构题库，复制 166 题');
	await expect(page.getByTestId('result-count')).toContainText('166');
	// knowledge points keep their names
	await expect(page.getByRole('link', { name: '党的领导、工作方针与工作机制' })).toBeVisible();

	// the same code again: a clear error, nothing created
	await page.goto('/institution/banks/aqsc-law-2021');
	await page.waitForLoadState('networkidle');
	await page.locator('summary', { hasText: '以此为基础建立本机构题库' }).click();
	await page.getByLabel('新题库代码（小写字母、数字、连字符）').fill(code);
	await page.getByRole('button', { name: '以此为基础建立本机构题库' }).click();
	await expect(page.getByText(`题库代码“${code}”已被使用，请换一个`)).toBeVisible();

	// edit a derived question: the 依据 is picked by document title and article
	await page.goto(`/institution/banks/${code}`);
	await page.locator('ol.questions a').first().click();
	await expect(page.getByRole('heading', { name: '编辑' })).toBeVisible();
	await expect(page.getByTestId('derived-from')).toContainText('复制自平台题库《新《安全生产法》（2021修正）题库》');
	await page.waitForLoadState('networkidle');
	const stem = page.getByLabel('题干');
	await stem.fill(`${await stem.inputValue()}（本中心修订）`);
	await page.getByLabel('文件', { exact: true }).selectOption({ label: '中华人民共和国安全生产法（2021年修正）' });
	await page.getByLabel('条款', { exact: true }).fill('第三条');
	await page.getByRole('button', { name: '添加到依据' }).click();
	await expect(page.getByLabel(/^依据/)).toHaveValue(/anquan-shengchan-fa-2021 第三条/);
	await expect(page.locator('#basis-titles')).toContainText('《中华人民共和国安全生产法（2021年修正）》第三条');
	await page.getByRole('button', { name: '保存（生成新版本）' }).click();
	await expect(page.getByText('已保存。')).toBeVisible();
	await expect(page.getByRole('heading', { level: 1 })).toContainText('第2版');

	// a blueprint on the derived bank, its knowledge point chosen by name
	await page.goto('/institution/exams/blueprints/new');
	await page.waitForLoadState('networkidle');
	await page.getByLabel('名称', { exact: true }).fill(`派生题库组卷（${info.project.name}）`);
	await page.getByLabel('证书类型').selectOption('training');
	await page.getByLabel(`本中心安全生产法题库（${info.project.name}）`).check();
	const picker = page.getByLabel('知识点（可选）').first();
	await picker.selectOption({ label: '第一章 总则' });
	await expect(page.getByRole('list', { name: '第1部分已选知识点' })).toContainText('第一章 总则');
	await page.getByLabel('题量').first().fill('5');
	await page.getByLabel('总分').fill('65');
	await page.getByLabel('合格分数').fill('50');
	await page.getByRole('button', { name: '保存组卷策略' }).click();
	await expect(page.getByText('组卷策略已保存。')).toBeVisible();
	// stored as the code, shown again by name
	await expect(page.getByRole('list', { name: '第1部分已选知识点' })).toContainText('第一章 总则');
	await expect(page.getByTestId('supply-1')).toContainText('共 10 道');
});
