import { expect, test, type Page } from './fixtures.ts';

// 站内消息: the demo learner's annual plan told them about their courses. They see the unread
// badge in the header, open the message centre, open a message (read), mark the rest read, and
// set an e-mail address and what they want by SMS.
const PASSWORD = 'Anxun@2026';

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(/\/learner$/);
}

const unreadIn = async (page: Page) => Number(/未读消息 (\d+) 条/.exec((await page.getByRole('link', { name: /^未读消息 \d+ 条$/ }).getAttribute('aria-label')) ?? '')?.[1]);

// The tests read and change one learner's messages and settings: they run once, on the phone viewport.
// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeEach(async ({}, info) => {
	test.skip(info.project.name !== 'mobile', 'changes one learner\'s messages: mobile only');
});

test('a learner sees the unread badge, opens the message centre and marks messages read', async ({ page }) => {
	await login(page, '13800000007');
	const badge = page.getByRole('link', { name: /^未读消息 \d+ 条$/ });
	await expect(badge).toBeVisible();
	const before = await unreadIn(page);
	expect(before).toBeGreaterThan(0);

	await badge.click();
	await expect(page.getByRole('heading', { level: 1, name: '站内消息' })).toBeVisible();
	await expect(page.getByText(`未读 ${before} 条`)).toBeVisible();
	const first = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: /^未读：\s*新课程/ }) }).first();
	await expect(first.getByRole('link')).toHaveCSS('font-weight', '700');
	await first.getByRole('link').click();
	await expect(page.getByRole('heading', { level: 1, name: /^新课程：/ })).toBeVisible();
	await expect(page.getByText(/单位为您安排了 \d{4} 年度培训课程/)).toBeVisible();
	await expect(page.getByRole('link', { name: `未读消息 ${before - 1} 条` })).toBeVisible();

	await page.getByRole('link', { name: '← 返回站内消息' }).click();
	await expect(page.getByRole('heading', { level: 1, name: '站内消息' })).toBeVisible();
	if (before > 1) {
		await page.getByRole('button', { name: '全部已读' }).click();
		await expect(page.getByRole('status')).toContainText(`已将 ${before - 1} 条消息标为已读`);
	}
	await page.reload();
	await expect(page.getByRole('heading', { level: 1, name: '站内消息' })).toBeVisible();
	await expect(page.getByRole('link', { name: '未读消息 0 条' })).toBeVisible();
	await expect(page.getByRole('button', { name: '全部已读' })).toHaveCount(0);
	await expect(page.getByRole('link', { name: /^未读：/ })).toHaveCount(0);
	await expect(page.getByRole('link', { name: /^新课程：/ }).first()).toHaveCSS('font-weight', '400');
});

test('a learner sets an e-mail address and turns off SMS for one kind', async ({ page }) => {
	await login(page, '13800000007');
	await page.goto('/messages/settings');
	await expect(page.getByRole('heading', { level: 1, name: '短信和邮件设置' })).toBeVisible();
	await page.getByLabel('电子邮箱').fill('not-an-address');
	await page.getByRole('button', { name: '保存设置' }).click();
	await expect(page.getByText('电子邮箱格式不正确，例如 name@example.com')).toBeVisible();

	await page.getByLabel('电子邮箱').fill('sun.haitao@example.com');
	const sms = page.getByRole('checkbox', { name: '课程分配 短信' });
	await expect(sms).toBeChecked();
	await sms.uncheck();
	await page.getByRole('button', { name: '保存设置' }).click();
	await expect(page.getByRole('status')).toContainText('设置已保存');
	await page.reload();
	await expect(page.getByLabel('电子邮箱')).toHaveValue('sun.haitao@example.com');
	await expect(page.getByRole('checkbox', { name: '课程分配 短信' })).not.toBeChecked();
	await expect(page.getByRole('checkbox', { name: '课程分配 邮件' })).toBeChecked();
});

test('全部已读 marks every message read and clears the badge', async ({ page }) => {
	await login(page, '500115197803150011');
	const before = await unreadIn(page);
	expect(before).toBeGreaterThan(0);
	await page.getByRole('link', { name: /^未读消息 \d+ 条$/ }).click();
	await page.getByRole('button', { name: '全部已读' }).click();
	await expect(page.getByRole('status')).toContainText(`已将 ${before} 条消息标为已读`);
	await expect(page.getByRole('link', { name: '未读消息 0 条' })).toBeVisible();
	await expect(page.getByRole('link', { name: /^未读：/ })).toHaveCount(0);
});
