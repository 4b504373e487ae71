import { expect, test, type Browser, type Page, type TestInfo } from './fixtures.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { drawDocument, drawPhoto } from '../support/special-ops-factories-h1.ts';

// 特种作业 报名 → 资格审查 on a phone: the platform admin records the institution's 机构资质 for
// 低压电工作业; the enterprise admin applies for two workers, crops their photos in the browser and
// submits (a file that is not a photo is refused with a Chinese message); the institution returns one
// for correction and accepts the other; the enterprise corrects and resubmits; the regulator sees the
// region's counts. Its own server: the journey adds applications and a licence to the demo data.
let server: RunningServer;

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	info.setTimeout(240_000);
	server = await startServer({});
});

test.afterAll(async () => {
	await server?.stop();
});

const PASSWORD = 'Anxun@2026';
const PNG = 'image/png';

async function signIn(browser: Browser, info: TestInfo, account: string): Promise<Page> {
	const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = info.project.use;
	const page = await (await browser.newContext({ baseURL: server.url, locale: 'zh-CN', viewport, userAgent, deviceScaleFactor, isMobile, hasTouch })).newPage();
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await page.waitForURL((u) => !u.pathname.startsWith('/login'));
	return page;
}

// Wider than 5:7 on purpose: the page crops it to the frame before upload.
const photo = () => Buffer.from(drawPhoto({ width: 700, height: 840, shoulders: 0.25 }));
const idImage = () => Buffer.from(drawDocument());

async function fillMaterials(page: Page, photoFile: { name: string; mimeType: string; buffer: Buffer }) {
	await page.getByLabel(/^证件照（/).setInputFiles(photoFile);
	await page.getByLabel('身份证人像面（图片）').setInputFiles({ name: 'front.png', mimeType: PNG, buffer: idImage() });
	await page.getByLabel('身份证国徽面（图片）').setInputFiles({ name: 'back.png', mimeType: PNG, buffer: idImage() });
	await page.getByLabel('文化程度').selectOption({ label: '高中' });
	await page.getByLabel(/本人承诺身体健康/).check();
}

test('an enterprise applies for 低压电工作业 for two workers; the institution reviews; the regulator sees the queue', async ({ browser }, info) => {
	test.skip(info.project.name !== 'mobile', 'a phone journey; it changes the demo data of its server');
	info.setTimeout(180_000);

	// 机构资质 for 1.2 低压电工作业, from today
	const admin = await signIn(browser, info, '13800000001');
	await admin.goto('/admin/orgs');
	await admin.getByRole('link', { name: '重庆安训安全技术培训中心' }).click();
	await admin.getByText('特种作业操作项目').click();
	await admin.getByLabel('1.2 低压电工作业').check();
	await admin.getByRole('button', { name: '增加' }).click();
	await expect(admin.getByText('1.2 电工作业 · 低压电工作业')).toBeVisible();

	// batch application from the staff list
	const ent = await signIn(browser, info, '13800000006');
	await ent.goto('/enterprise/special-ops');
	await ent.getByLabel('操作项目').selectOption('1.2');
	await ent.getByLabel('培训机构').selectOption({ label: '重庆安训安全技术培训中心' });
	await ent.getByRole('button', { name: '生成报名' }).click();
	await expect(ent.getByText('请至少勾选一名员工').first()).toBeVisible();
	await ent.getByLabel('操作项目').selectOption('1.2');
	await ent.getByLabel('培训机构').selectOption({ label: '重庆安训安全技术培训中心' });
	await ent.getByLabel(/卢霞/).check();
	await ent.getByLabel(/黄秀英/).check();
	await ent.getByRole('button', { name: '生成报名' }).click();
	await expect(ent.getByText('已为 2 名员工生成报名')).toBeVisible();
	const list = ent.getByTestId('so-applications');
	await expect(list.getByRole('listitem')).toHaveCount(2);
	await expect(list.getByText('待补材料')).toHaveCount(2);

	// 卢霞: a file that is not a photo is refused by the server, then a real photo cropped to 5:7
	await list.getByRole('link', { name: /卢霞/ }).click();
	await fillMaterials(ent, { name: 'not-a-photo.png', mimeType: PNG, buffer: Buffer.from('this is not an image') });
	await expect(ent.getByTestId('photo-crop-status')).toHaveText('无法读取这张图片，请换一张');
	await ent.getByRole('button', { name: '提交资格审查' }).click();
	await expect(ent.getByRole('alert').filter({ hasText: '证件照不是 JPEG 或 PNG 图片，请重新选择' })).toBeVisible();
	await fillMaterials(ent, { name: 'luxia.png', mimeType: PNG, buffer: photo() });
	await expect(ent.getByTestId('photo-crop-status')).toContainText('已裁剪为 413×578 像素（5:7）');
	await ent.getByRole('button', { name: '提交资格审查' }).click();
	await expect(ent.getByText('已提交资格审查，等待培训机构审查。')).toBeVisible();
	await expect(ent.getByTestId('so-status')).toHaveText('待审查');
	await expect(ent.getByTestId('so-findings')).toContainText('文化程度');
	// the uploaded photo is the cropped one and the enterprise may see it
	const img = ent.getByTestId('so-photo');
	await expect(img).toBeVisible();
	await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(413);

	// 黄秀英
	await ent.goto('/enterprise/special-ops');
	await ent.getByTestId('so-applications').getByRole('link', { name: /黄秀英/ }).click();
	await fillMaterials(ent, { name: 'huang.png', mimeType: PNG, buffer: photo() });
	await expect(ent.getByTestId('photo-crop-status')).toContainText('已裁剪');
	await ent.getByRole('button', { name: '提交资格审查' }).click();
	await expect(ent.getByText('已提交资格审查，等待培训机构审查。')).toBeVisible();

	// the institution: return 卢霞 with a reason (required), accept 黄秀英
	const inst = await signIn(browser, info, '13800000004');
	await inst.goto('/institution/special-ops');
	const queue = inst.getByTestId('so-queue');
	await expect(queue.getByRole('listitem')).toHaveCount(2);
	await queue.getByRole('link', { name: /卢霞/ }).click();
	await expect.poll(() => inst.getByTestId('so-photo').evaluate((el: HTMLImageElement) => el.complete && el.naturalHeight)).toBe(578);
	await inst.getByRole('radio', { name: '退回补正' }).check();
	await inst.getByRole('button', { name: '提交审查结论' }).click();
	await expect(inst.getByText('退回补正须填写理由（至少 2 个字），申请人会看到')).toBeVisible();
	await inst.getByRole('radio', { name: '退回补正' }).check();
	await inst.getByLabel(/^理由/).fill('证件照须为近6个月内免冠正面照');
	await inst.getByRole('button', { name: '提交审查结论' }).click();
	await expect(inst.getByTestId('so-status')).toHaveText('退回补正（理由：证件照须为近6个月内免冠正面照）');
	await inst.goto('/institution/special-ops');
	await inst.getByTestId('so-queue').getByRole('link', { name: /黄秀英/ }).click();
	await inst.getByRole('radio', { name: '受理', exact: true }).check();
	await inst.getByRole('button', { name: '提交审查结论' }).click();
	await expect(inst.getByTestId('so-status')).toHaveText('已受理');

	// the enterprise corrects and resubmits; the institution accepts
	await ent.goto('/enterprise/special-ops');
	await expect(ent.getByText('理由：证件照须为近6个月内免冠正面照')).toBeVisible();
	await ent.getByTestId('so-applications').getByRole('link', { name: /卢霞/ }).click();
	await expect(ent.getByRole('heading', { name: '补正材料并重新提交' })).toBeVisible();
	await ent.getByLabel(/^证件照（/).setInputFiles({ name: 'luxia-new.png', mimeType: PNG, buffer: photo() });
	await expect(ent.getByTestId('photo-crop-status')).toContainText('已裁剪');
	await ent.getByLabel(/本人承诺身体健康/).check();
	await ent.getByRole('button', { name: '提交资格审查' }).click();
	await expect(ent.getByTestId('so-status')).toHaveText('待审查');
	await inst.goto('/institution/special-ops');
	await inst.getByTestId('so-queue').getByRole('link', { name: /卢霞/ }).click();
	await inst.getByRole('radio', { name: '受理', exact: true }).check();
	await inst.getByRole('button', { name: '提交审查结论' }).click();
	await expect(inst.getByTestId('so-status')).toHaveText('已受理');

	// the 渝北 regulator (考核发证机关) sees its region's applications, read-only
	const reg = await signIn(browser, info, '13800000003');
	await reg.goto('/regulator');
	await reg.getByRole('link', { name: '特种作业报名' }).click();
	await expect(reg.getByTestId('so-count-accepted')).toHaveText('2');
	await expect(reg.getByTestId('so-count-submitted')).toHaveText('0');
	await reg.getByRole('link', { name: /已受理/ }).click();
	await expect(reg.getByRole('row', { name: /卢霞/ })).toBeVisible();
	await expect(reg.getByRole('row', { name: /黄秀英/ })).toBeVisible();
	await expect(reg.getByRole('button', { name: '提交审查结论' })).toHaveCount(0);
});
