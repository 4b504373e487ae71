import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sampleJpeg, sampleRgb } from '../../src/lib/server/face/samples.ts';

// Issue 16 done-when: a learner consents and enrols, the enterprise admin confirms, the lesson page
// asks for a face check and Chromium's fake camera (a Y4M file made from the package's photo of the
// same man) passes it, after which time is credited.
const PASSWORD = 'Anxun@2026';

/** A Y4M (I420) file of one still frame, repeated, for --use-file-for-fake-video-capture. */
function y4m(): string {
	const img = sampleRgb('a_other');
	const w = img.width & ~1;
	const h = img.height & ~1;
	const Y = Buffer.alloc(w * h);
	const U = Buffer.alloc((w / 2) * (h / 2));
	const V = Buffer.alloc((w / 2) * (h / 2));
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const i = (y * img.width + x) * 3;
			const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
			Y[y * w + x] = Math.max(0, Math.min(255, Math.round(0.257 * r + 0.504 * g + 0.098 * b + 16)));
			if (y % 2 === 0 && x % 2 === 0) {
				const j = (y / 2) * (w / 2) + x / 2;
				U[j] = Math.max(0, Math.min(255, Math.round(-0.148 * r - 0.291 * g + 0.439 * b + 128)));
				V[j] = Math.max(0, Math.min(255, Math.round(0.439 * r - 0.368 * g - 0.071 * b + 128)));
			}
		}
	}
	const frame = Buffer.concat([Buffer.from('FRAME\n'), Y, U, V]);
	const file = join(mkdtempSync(join(tmpdir(), 'anxun-face-')), 'camera.y4m');
	writeFileSync(file, Buffer.concat([Buffer.from(`YUV4MPEG2 W${w} H${h} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: 10 }, () => frame)]));
	return file;
}

test.use({
	permissions: ['camera'],
	launchOptions: {
		executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${y4m()}`]
	}
});

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
	await learner.getByLabel(/拍摄 3 张本人正面照片/).setInputFiles(
		(['a_reference', 'a_third', 'a_dark'] as const).map((n) => ({ name: `${n}.jpg`, mimeType: 'image/jpeg', buffer: Buffer.from(sampleJpeg(n)) }))
	);
	await learner.getByRole('button', { name: '提交登记照片' }).click();
	await expect(learner.getByRole('status')).toContainText('待企业培训管理员确认', { timeout: 60_000 });

	const admin = await login(browser, '13800000006');
	await admin.goto('/enterprise/face');
	await admin.getByRole('button', { name: '确认是本人' }).first().click();
	await expect(admin.getByRole('status')).toContainText('已确认登记照片');

	await learner.goto('/learner');
	await learner.getByRole('link', { name: /继续学习|开始学习/ }).first().click();
	const dialog = learner.getByRole('alertdialog', { name: '人脸核验' });
	await expect(dialog).toBeVisible({ timeout: 15_000 });
	await dialog.getByRole('button', { name: '拍照核验' }).click();
	await expect(learner.getByText('核验通过，继续计时。').first()).toBeVisible({ timeout: 60_000 });
	await expect(dialog).toBeHidden();
	await expect(learner.getByTestId('study-state')).toContainText('计时中', { timeout: 20_000 });
});
