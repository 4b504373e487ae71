import { expect, test, type Browser, type Page, type TestInfo } from './fixtures.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/server.ts';
import { prepareSchedulingDemoDir } from '../support/special-ops-factories-h2.ts';

// 特种作业 考试点 and scheduling (issue 13): the institution admin sets up a 考试点 with a computer
// room and a 低压电工 practical room, a 培训班 taught by 刘志强, schedules a theory and a practical
// session, is refused 刘志强 as examiner of his own student (教考分离) and a double-booked room, then
// assigns both workers; the worker downloads the 准考证 on the phone. Own server: it adds records.
let server: RunningServer;
let apps: { sunApp: number; liApp: number };

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	info.setTimeout(300_000);
	if (info.project.name !== 'mobile') return;
	const dir = mkdtempSync(join(tmpdir(), 'anxun-h2-'));
	apps = await prepareSchedulingDemoDir(dir);
	server = await startServer({ ANXUN_DATA_DIR: dir });
});

test.afterAll(async () => {
	await server?.stop();
});

async function phone(browser: Browser, info: TestInfo): Promise<Page> {
	const { viewport, userAgent, deviceScaleFactor, isMobile, hasTouch } = info.project.use;
	return (await browser.newContext({ baseURL: server.url, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', viewport, userAgent, deviceScaleFactor, isMobile, hasTouch })).newPage();
}

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill('Anxun@2026');
	await page.getByRole('button', { name: '登录' }).click();
	await page.waitForURL((u) => !u.pathname.startsWith('/login'));
}

test('an institution schedules 特种作业 theory and practical sessions at its 考试点 and the worker gets the 准考证', async ({ browser }, info) => {
	test.skip(info.project.name !== 'mobile', 'one run on the phone viewport: the journey adds records');
	info.setTimeout(240_000);
	const admin = await phone(browser, info);
	await login(admin, '13800000004');
	await admin.goto('/institution');
	await admin.getByRole('link', { name: '考试点', exact: true }).click();
	await admin.getByRole('link', { name: '新增考试点' }).click();
	await admin.getByLabel('考试点名称').fill('渝北实训考试点');
	await admin.getByLabel('地址').fill('重庆市渝北区双龙湖街道实训路8号');
	await admin.getByLabel('考场有视频录像').check();
	await admin.getByRole('button', { name: '保存考试点' }).click();
	await expect(admin.getByRole('heading', { name: '渝北实训考试点' })).toBeVisible();

	await admin.getByLabel('考场名称').fill('机考室A');
	await admin.getByLabel('座位数', { exact: true }).fill('2');
	await admin.getByRole('button', { name: '添加考场' }).click();
	await expect(admin.getByText('已添加考场“机考室A”')).toBeVisible();
	await admin.getByLabel('实操室（工位）').check();
	await admin.getByLabel('考场名称').fill('低压电工实操室');
	await admin.getByLabel('工位数', { exact: true }).fill('2');
	await admin.getByRole('button', { name: '添加考场' }).click();
	await expect(admin.getByText('实操室须选择操作项目')).toBeVisible();
	await admin.getByLabel('操作项目').selectOption({ label: '电工作业 · 低压电工作业' });
	await admin.getByRole('button', { name: '添加考场' }).click();
	await expect(admin.getByText('已添加考场“低压电工实操室”')).toBeVisible();

	// 培训班 taught by 刘志强 with 李电工 as student
	await admin.goto('/institution/special-ops/cohorts');
	await admin.getByLabel('培训班名称').fill('低压电工2026第1期');
	await admin.getByLabel('操作项目').selectOption({ label: '电工作业 · 低压电工作业' });
	await admin.getByRole('button', { name: '新建培训班' }).click();
	await expect(admin.getByText('培训班“低压电工2026第1期”已创建')).toBeVisible();
	await admin.getByLabel('添加授课教师').selectOption({ label: '刘志强（考评员）' });
	await admin.getByRole('button', { name: '添加', exact: true }).click();
	await expect(admin.getByText('已添加授课教师')).toBeVisible();
	await admin.getByRole('checkbox', { name: /李电工/ }).check();
	await admin.getByRole('button', { name: '加入培训班' }).click();
	await expect(admin.getByText('已加入 1 名学员')).toBeVisible();

	// theory session in the computer room; both workers seated
	await admin.goto('/institution/special-ops/sessions');
	const theory = admin.locator('form[action="?/theory"]');
	await theory.getByLabel('场次名称').fill('低压电工理论考试（第1场）');
	await theory.getByLabel('开考时间（北京时间）').fill('2027-01-11T09:00');
	await theory.getByLabel('结束时间（北京时间）').fill('2027-01-11T11:00');
	await theory.getByRole('button', { name: '新建理论场次' }).click();
	await expect(admin.getByText('理论场次已创建。')).toBeVisible();
	await admin.getByRole('checkbox', { name: /孙海涛/ }).check();
	await admin.getByRole('checkbox', { name: /李电工/ }).check();
	await admin.getByRole('button', { name: '安排考试' }).click();
	await expect(admin.getByText('已安排 2 人')).toBeVisible();
	await expect(admin.getByRole('heading', { name: '考生与座位（2/2）' })).toBeVisible();

	// practical session with 刘志强: assigning his own student is refused (教考分离)
	await admin.goto('/institution/special-ops/sessions');
	const practical = admin.locator('form[action="?/practical"]');
	await practical.getByLabel('场次名称').fill('低压电工实操考试（第1场）');
	await practical.getByLabel('开考时间（北京时间）').fill('2027-01-12T09:00');
	await practical.getByLabel('结束时间（北京时间）').fill('2027-01-12T12:00');
	await practical.getByLabel('刘志强').check();
	await practical.getByRole('button', { name: '新建实操场次' }).click();
	await expect(admin.getByText('实操场次已创建。')).toBeVisible();
	const practicalUrl = admin.url();
	await admin.getByRole('checkbox', { name: /孙海涛/ }).check();
	await admin.getByRole('checkbox', { name: /李电工/ }).check();
	await admin.getByRole('button', { name: '安排考试' }).click();
	const refusal = admin.getByRole('alert');
	await expect(refusal).toContainText('考评员刘志强是培训班“低压电工2026第1期”的授课教师，不能考核该班学员李电工');
	await expect(refusal).toContainText('（30号令）第六条');
	await admin.getByLabel('刘志强').uncheck();
	await admin.getByLabel('王考评').check();
	await admin.getByRole('button', { name: '保存考评员' }).click();
	await expect(admin.getByText('考评员已更新')).toBeVisible();
	await admin.getByRole('checkbox', { name: /孙海涛/ }).check();
	await admin.getByRole('checkbox', { name: /李电工/ }).check();
	await admin.getByRole('button', { name: '安排考试' }).click();
	await expect(admin.getByText('已安排 2 人')).toBeVisible();
	await expect(admin.getByRole('heading', { name: '考生与工位（2/2）' })).toBeVisible();

	// the same practical room at an overlapping time is refused with the reason
	await admin.goto('/institution/special-ops/sessions');
	await practical.getByLabel('场次名称').fill('重叠的实操场次');
	await practical.getByLabel('开考时间（北京时间）').fill('2027-01-12T11:00');
	await practical.getByLabel('结束时间（北京时间）').fill('2027-01-12T13:00');
	await practical.getByLabel('王考评').check();
	await practical.getByRole('button', { name: '新建实操场次' }).click();
	await expect(admin.getByText(/低压电工实操室在该时段已安排了“低压电工实操考试（第1场）”/)).toBeVisible();
	expect(admin.url()).not.toBe(practicalUrl);

	// the worker's 准考证 on the phone: photo, both parts, both 准考证号; nobody else's
	const worker = await phone(browser, info);
	await login(worker, '13800000007');
	const pdf = await worker.request.get(`/learner/special-ops/${apps.sunApp}/admission.pdf`);
	expect(pdf.status()).toBe(200);
	expect(pdf.headers()['content-type']).toBe('application/pdf');
	const body = (await pdf.body()).toString('latin1');
	expect(body).toContain('/Subtype /Image');
	expect(body).toMatch(new RegExp(`AX-ZK-T-\\d+-${apps.sunApp} AX-ZK-P-\\d+-${apps.sunApp}`));
	expect((await worker.request.get(`/learner/special-ops/${apps.liApp}/admission.pdf`)).status()).toBe(404);
	const enterprise = await phone(browser, info);
	await login(enterprise, '13800000006');
	expect((await enterprise.request.get(`/enterprise/special-ops/${apps.liApp}/admission.pdf`)).status()).toBe(200);
	expect((await admin.request.get(`/institution/special-ops/${apps.liApp}/admission.pdf`)).status()).toBe(200);
});
