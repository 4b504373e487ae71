import { expect, test, type Browser, type Page } from './fixtures.ts';
import { fakeCameraFile, fakeCameraLaunch } from '../support/fake-camera.ts';
import { sampleRgb, tileRgb } from '../../src/lib/server/face/samples.ts';

// Issue 16 done-when: a learner consents and enrols by live capture (three frames from the page's
// camera; Chromium's fake camera loops three photos of one man, as a person who moves would look;
// every two of them differ in face shape by more than the liveness threshold, whatever frames are caught),
// the enterprise admin confirms, the lesson page asks for a face check and the camera passes it,
// after which time is credited. (Another person at the camera: face-other.e2e.ts.)
const PASSWORD = 'Anxun@2026';

test.use({ permissions: ['camera'], launchOptions: fakeCameraLaunch(fakeCameraFile([sampleRgb('a_reference'), tileRgb(0, 7), tileRgb(0, 8)])) });

async function login(browser: Browser, account: string): Promise<Page> {
	const context = await browser.newContext({ permissions: ['camera'], locale: 'zh-CN' });
	const page = await context.newPage();
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
	return page;
}

test('consent, enrolment confirmed by the admin, and a face check passed by the camera credits time', async ({ browser }) => {
	test.setTimeout(180_000);
	const learner = await login(browser, '13800000007');
	await learner.goto('/learner/face');
	await expect(learner.getByRole('heading', { name: /人脸信息处理告知/ })).toBeVisible();
	await learner.getByRole('button', { name: '我已阅读并同意人脸核验' }).click();
	await expect(learner.getByRole('status')).toContainText('已记录您的同意');
	// the file input stays as the fallback for phones without getUserMedia
	await expect(learner.getByLabel(/拍摄 3 张本人正面照片上传/)).toBeAttached();
	await learner.getByRole('button', { name: '打开摄像头拍摄 3 张' }).click();
	await expect(learner.getByText(/● 摄像头已开启/)).toBeVisible();
	await expect(learner.getByText(/请微微向左转头/)).toBeVisible();
	await expect(learner.getByRole('status').filter({ hasText: '登记照片已提交，待企业培训管理员确认。' })).toBeVisible({ timeout: 60_000 });

	const admin = await login(browser, '13800000006');
	await admin.goto('/enterprise/face');
	await admin.getByRole('button', { name: '确认是本人' }).first().click();
	await expect(admin.getByRole('status')).toContainText('已确认登记照片');

	await learner.goto('/learner');
	await learner.getByRole('link', { name: /继续学习|开始学习/ }).first().click();
	const dialog = learner.getByRole('alertdialog', { name: '人脸核验' });
	await expect(dialog).toBeVisible({ timeout: 15_000 });
	// the verdict is read from the answer itself: the page shows it only until the next heartbeat
	// (2 s here), which a loaded machine can let pass between two polls of the page
	const answer = learner.waitForResponse((r) => r.url().endsWith('/api/study/face') && r.request().method() === 'POST', { timeout: 60_000 });
	await dialog.getByRole('button', { name: '拍照核验' }).click();
	expect(await (await answer).json(), 'the camera photo matches the confirmed reference').toMatchObject({ passed: true, message: '核验通过，继续计时。' });
	await expect(dialog).toBeHidden();
	await expect(learner.getByTestId('study-state')).toContainText('计时中', { timeout: 20_000 });

	// withdrawal ends face checks (and leaves the shared demo learner as the other journeys expect him)
	await learner.goto('/learner/face');
	await learner.getByRole('button', { name: '撤回同意' }).click();
	await expect(learner.getByRole('status')).toContainText('已撤回同意');
});
