import { expect, test, type Browser, type Page } from './fixtures.ts';

// Issue 20 item 10: a 区县 regulator works through grouped findings — dismisses a group with a
// reason, sends one finding to its enterprise as 督办 — and the enterprise admin answers it.
const PASSWORD = 'Anxun@2026';

async function login(browser: Browser, account: string): Promise<Page> {
	const page = await (await browser.newContext()).newPage();
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
	return page;
}

test('a regulator groups, dismisses with a reason and sends a 督办; the enterprise answers it', async ({ browser }, info) => {
	test.skip(info.project.name !== 'desktop', 'changes the demo findings: desktop only');
	const regulator = await login(browser, '13800000003'); // 渝北区
	await regulator.goto('/regulator/findings');
	const groups = regulator.getByTestId('finding-group');
	// near-identical findings of one exam are one group, with a count
	const fast = groups.filter({ hasText: '超快高分' }).filter({ hasText: '考试：2026年高危行业从业人员考核（第一场）' });
	await expect(fast).toHaveCount(1);
	await expect(fast.getByTestId('group-count')).toHaveText('2 条');
	await fast.locator('summary').first().click();
	await expect(fast.getByTestId('finding')).toHaveCount(2);

	// dismissing the group needs a reason
	const bulk = fast.locator('.bulk');
	await bulk.getByLabel('驳回（须写原因）').check();
	await bulk.getByRole('button', { name: '对本组待处理线索执行' }).click();
	await expect(bulk.getByRole('alert')).toHaveText('驳回必须填写原因');
	await bulk.getByLabel(/说明/).fill('两人均为复训人员，考前已参加同题库模拟，核实无异常');
	await bulk.getByRole('button', { name: '对本组待处理线索执行' }).click();
	await expect(regulator.getByRole('status')).toHaveText('已记录：已驳回 2 条线索。');
	await expect(fast).toHaveCount(0); // no longer 待处理
	await regulator.goto('/regulator/findings?status=dismissed');
	const dismissed = regulator.getByTestId('finding-group').filter({ hasText: '超快高分' });
	await expect(dismissed.getByTestId('finding-status')).toHaveText(['已驳回', '已驳回']);
	await expect(dismissed).toContainText('原因 两人均为复训人员');

	// one flagged candidate of 重庆渝北精工机械 is sent to the enterprise as 督办
	await regulator.goto('/regulator/findings?rule=exam_flags');
	const flags = regulator.getByTestId('finding-group').filter({ hasText: '考试：安全生产法知识考试（演示，已结束）' });
	await flags.locator('summary').first().click();
	const one = flags.getByTestId('finding').filter({ has: regulator.getByLabel('向企业督办') }).first();
	const subject = (await one.getByTestId('finding-subject').innerText()).trim();
	await one.getByText('处理这条线索').click();
	await one.getByLabel('向企业督办').check();
	await one.getByLabel(/说明/).fill('请核实该员工考试期间切屏原因，组织诚信考试教育');
	await one.getByLabel(/整改期限/).fill('2030-01-31');
	await one.getByRole('button', { name: '保存' }).click();
	await expect(regulator.getByRole('status')).toHaveText('已记录：已督办 1 条线索。');

	// the enterprise admin sees it and answers
	const admin = await login(browser, '13800000006');
	await admin.goto('/enterprise');
	await admin.getByRole('link', { name: '督办事项' }).click();
	const item = admin.getByTestId('supervision').filter({ hasText: '请核实该员工考试期间切屏原因' });
	await expect(item).toContainText('待整改');
	await expect(item).toContainText('2030-01-31');
	await expect(item).toContainText(subject);
	await item.getByLabel('整改情况').fill('已约谈当事人并组织诚信考试教育，补考安排在下月');
	await item.getByRole('button', { name: '回复并标记已整改' }).click();
	await expect(admin.getByRole('status')).toHaveText('已回复整改情况，监管部门可以看到。');
	await expect(item).toContainText('已整改');

	// the regulator sees the reply
	await regulator.goto('/regulator/findings?status=rectified');
	await expect(regulator.getByTestId('findings')).toContainText('企业回复 已约谈当事人并组织诚信考试教育');
});
