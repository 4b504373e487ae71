import { expect, test, type Page } from './fixtures.ts';

// The server runs with a 2 s heartbeat, an attention check after 6 credited seconds and 10 s to
// answer it (playwright.config.ts), so a journey sees the clock work within seconds.
const PASSWORD = 'Anxun@2026';

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(/\/learner$/);
}

async function answerChecks(page: Page) {
	const dialog = page.getByRole('alertdialog');
	if (await dialog.isVisible()) await page.getByRole('button', { name: '我在学习' }).click();
}

async function valueOf(page: Page, name: string | RegExp): Promise<number> {
	return Number(await page.getByRole('progressbar', { name }).getAttribute('aria-valuenow'));
}

test('a principal studies the demo course and sees the bar move', async ({ page }) => {
	await login(page, '500115197803150011');
	const courseBar = /《高危行业主要负责人和安全生产管理人员年度再培训》学习进度/;
	await expect(page.getByRole('progressbar', { name: courseBar })).toBeVisible();
	// the requirement comes from the rule table, with its source
	await expect(page.getByText(/\/ 16 学时/)).toBeVisible();
	await expect(page.getByText(/第九条第二款/)).toBeVisible();
	const before = await valueOf(page, courseBar);

	await page.getByRole('link', { name: /继续学习|开始学习/ }).first().click();
	await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
	await expect(page.getByTestId('study-state')).toContainText('计时中', { timeout: 15_000 });
	const lessonBar = '本节已计学习时间';
	const lessonStart = await valueOf(page, lessonBar);

	// the attention check appears, is answered with the keyboard-focusable button
	await answerChecks(page);
	await expect(page.getByRole('alertdialog')).toBeVisible({ timeout: 30_000 });
	await expect(page.getByRole('button', { name: '我在学习' })).toBeFocused();
	await page.getByRole('button', { name: '我在学习' }).click();
	await expect(page.getByRole('alertdialog')).toBeHidden();
	await expect.poll(() => valueOf(page, lessonBar), { timeout: 20_000 }).toBeGreaterThan(lessonStart + 3);

	await page.getByRole('link', { name: /← / }).click();
	await page.goto('/learner');
	expect(await valueOf(page, courseBar)).toBeGreaterThan(before);
});

test('two tabs: the second says which page counts, "在此页面学习" moves the clock, the first says it stopped', async ({ page, context }, info) => {
	test.skip(info.project.name !== 'desktop', 'two tabs: desktop only');
	await login(page, '500115197803150011');
	await page.getByRole('link', { name: /继续学习|开始学习/ }).first().click();
	await expect(page.getByTestId('study-state')).toContainText(/计时中/, { timeout: 15_000 });
	const url = page.url();
	const second = await context.newPage();
	await second.goto(url);
	const told = second.getByTestId('study-elsewhere');
	await expect(told).toContainText(/正在另一个页面计时：《.+》第\d+节（开始于 \d\d:\d\d）/, { timeout: 15_000 });
	await expect(second.getByTestId('study-state')).toContainText('未计时');
	await told.getByRole('button', { name: '在此页面学习' }).click();
	await expect(second.getByTestId('study-state')).toContainText('计时中', { timeout: 15_000 });
	await expect(told).toBeHidden();
	const start = await valueOf(second, '本节已计学习时间');
	await expect.poll(() => valueOf(second, '本节已计学习时间'), { timeout: 15_000 }).toBeGreaterThan(start);
	// the first page is told on its next heartbeat, and can take the clock back
	const stopped = page.getByTestId('study-elsewhere');
	await expect(stopped).toContainText('本页已停止计时。正在另一个页面计时', { timeout: 15_000 });
	await expect(page.getByTestId('study-state')).toContainText('未计时');
	await stopped.getByRole('button', { name: '在此页面学习' }).click();
	await expect(page.getByTestId('study-state')).toContainText('计时中', { timeout: 15_000 });
	await expect(second.getByTestId('study-elsewhere')).toContainText('本页已停止计时', { timeout: 15_000 });
	await second.close();
});

test('a check missed in one lesson does not block the next lesson', async ({ page }) => {
	await login(page, '500115197803150011');
	await page.getByRole('link', { name: /继续学习|开始学习/ }).first().click();
	await expect(page.getByTestId('study-state')).toContainText(/计时中/, { timeout: 15_000 });
	const pager = page.getByRole('navigation', { name: '章节导航' });
	const next = pager.getByRole('link', { name: '下一节' });
	const otherLesson = await ((await next.count()) ? next : pager.getByRole('link', { name: '上一节' })).getAttribute('href');
	// the check appears after 6 credited seconds and is left unanswered until it is overdue
	const dialog = page.getByRole('alertdialog');
	await expect(dialog).toBeVisible({ timeout: 30_000 });
	await expect(dialog).toContainText('确认已超时，计时已暂停', { timeout: 30_000 });
	await expect(page.getByTestId('study-state')).toContainText('未计时', { timeout: 15_000 });

	await page.goto(otherLesson!);
	await expect(page.getByTestId('study-state')).toContainText('计时中', { timeout: 15_000 });
	await expect(page.getByRole('alertdialog')).toBeHidden();
	const start = await valueOf(page, '本节已计学习时间');
	await expect.poll(() => valueOf(page, '本节已计学习时间'), { timeout: 15_000 }).toBeGreaterThan(start);
});

test('video lesson: served with range requests, skipping ahead is refused', async ({ page }, info) => {
	test.skip(info.project.name !== 'desktop', 'mutates the special worker’s progress');
	await login(page, '13800000007');
	await page.getByRole('link', { name: /一线从业人员年度安全再培训/ }).first().click();
	await page.locator('li', { hasText: '视频' }).getByRole('link').first().click();
	const video = page.locator('video');
	await expect(video).toBeVisible();
	const src = await video.getAttribute('src');
	const ranged = await page.request.get(src!, { headers: { range: 'bytes=0-99' } });
	expect(ranged.status()).toBe(206);
	expect((await ranged.body()).length).toBe(100);
	await expect(page.getByTestId('study-state')).toContainText(/计时中|未计时/, { timeout: 15_000 });
	await video.evaluate(async (v: HTMLVideoElement) => {
		v.muted = true;
		await new Promise((r) => (v.readyState >= 1 ? r(null) : v.addEventListener('loadedmetadata', r, { once: true })));
		v.currentTime = Math.min(50, v.duration - 1);
	});
	await expect(page.getByRole('alert').filter({ hasText: '不能跳过' })).toBeVisible();
	expect(await video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeLessThan(5);
	await video.evaluate((v: HTMLVideoElement) => (v.playbackRate = 2));
	await expect(page.getByRole('alert').filter({ hasText: '倍速' })).toBeVisible();
	expect(await video.evaluate((v: HTMLVideoElement) => v.playbackRate)).toBe(1);
});
