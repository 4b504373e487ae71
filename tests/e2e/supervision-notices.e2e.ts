import { expect, test, type Browser, type Page } from './fixtures.ts';

// Issue 12, regulator 督办: from a target's dashboard the 渝北区 regulator sends a notice to two
// enterprises below the goal; 重庆渝北精工机械's admin opens and acknowledges it; the regulator
// sees the acknowledgement (who, note) on the notice's follow-up page.
const PASSWORD = 'Anxun@2026';
const TARGET = '重点行业领域主要负责人、实际控制人、其他负责人全覆盖培训（2026年巩固）';

async function login(browser: Browser, account: string): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
	return page;
}

test('a regulator sends a 督办 notice to two enterprises; one acknowledges; the regulator sees it', async ({ browser }, info) => {
	const title = `督办测试（${info.project.name}）：主要负责人培训未达标`;
	const regulator = await login(browser, '13800000003'); // 渝北区
	await regulator.goto('/regulator/coverage');
	await regulator.getByRole('link', { name: TARGET }).click();
	const gaps = regulator.getByTestId('gap-orgs');
	await expect(gaps.getByRole('heading', { name: '未达标企业 · 督办' })).toBeVisible();

	// nothing chosen: refused with a message, nothing sent
	await gaps.getByRole('button', { name: '发送督办通知' }).click();
	await expect(regulator.getByRole('alert').first()).toContainText('请至少勾选一家企业');

	// keyboard: tab to a checkbox and tick it with the space bar
	const jinggong = gaps.getByLabel('重庆渝北精工机械有限公司', { exact: true });
	await jinggong.focus();
	await regulator.keyboard.press('Space');
	await expect(jinggong).toBeChecked();
	await gaps.getByLabel('重庆双龙湖精细化工有限公司', { exact: true }).check();
	await expect(gaps.getByLabel(/仅勾选的企业/)).toBeChecked();
	await expect(gaps.getByLabel(/仅勾选的企业/)).toHaveAccessibleName(/已选 2 家/);
	await expect(gaps.getByLabel('通知正文')).toHaveValue(/低于目标 100%/);
	await gaps.getByLabel('通知标题').fill(title);
	await gaps.getByLabel('整改期限').fill('2030-06-30');
	await gaps.getByRole('button', { name: '发送督办通知' }).click();

	await expect(regulator).toHaveURL(/\/regulator\/notices\/\d+/);
	await expect(regulator.getByRole('status')).toHaveText('已发送给 2 家企业。');
	const noticeUrl = regulator.url().replace(/\?.*$/, '');
	const rows = regulator.getByTestId('recipient');
	await expect(rows).toHaveCount(2);
	await expect(rows.filter({ hasText: '重庆渝北精工机械有限公司' }).getByTestId('ack')).toHaveText('未读');
	await expect(rows.filter({ hasText: '重庆渝北精工机械有限公司' }).getByTestId('gap-state')).toHaveText('未整改');

	// the enterprise admin sees it on the enterprise page, opens it and acknowledges it with a note
	const admin = await login(browser, '13800000006');
	await admin.goto('/enterprise');
	const home = admin.getByTestId('home-notices');
	await expect(home).toContainText('未读');
	await home.getByRole('link', { name: title }).click();
	await expect(admin.getByRole('heading', { name: title })).toBeVisible();
	await expect(admin.getByTestId('gap-line')).toContainText(/贵单位.*覆盖率 \d+(\.\d+)?%（\d+\/\d+），低于目标 100%，请于 2030-06-30 前完成。/);
	await admin.getByLabel(/整改说明/).fill('已安排 12 月 20 日集中补训');
	await admin.getByRole('button', { name: '签收' }).click();
	await expect(admin.getByRole('status')).toHaveText('已签收，监管部门可以看到。');
	await expect(admin.getByTestId('ack-state')).toContainText('已签收');
	await expect(admin.getByRole('button', { name: '签收' })).toHaveCount(0);

	// the regulator sees who acknowledged, with the note; the other enterprise has not
	await regulator.goto(noticeUrl);
	const ack = regulator.getByTestId('recipient').filter({ hasText: '重庆渝北精工机械有限公司' }).getByTestId('ack');
	await expect(ack).toContainText('已签收');
	await expect(ack).toContainText('赵敏');
	await expect(ack).toContainText('已安排 12 月 20 日集中补训');
	await expect(regulator.getByTestId('recipient').filter({ hasText: '重庆双龙湖精细化工有限公司' }).getByTestId('ack')).toHaveText('未读');
	await expect(regulator.getByTestId('acked-count')).toHaveText('1');
	await regulator.getByRole('link', { name: '← 督办通知' }).click();
	await expect(regulator.getByTestId('notices').getByRole('row').filter({ hasText: title })).toContainText('1/2');
});
