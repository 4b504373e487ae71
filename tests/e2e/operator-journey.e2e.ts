import { expect, test, type Browser, type Locator, type Page } from './fixtures.ts';
import ExcelJS from 'exceljs';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { creditCodeCheckChar, idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';
import { startServer, type RunningServer } from '../support/server.ts';

// Issue 12's "done when": a new operator, from a deployment without demo data, brings a regulator,
// an enterprise directory, a self-registered enterprise with its staff and plan, and a training
// institution with a course onto the platform; the learners get their messages; a backup restores
// into a fresh data directory with identical counts. Its own server on its own data directory.
const run = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
let server: RunningServer;
let dataDir = '';
let operatorPassword = '';

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	test.skip(info.project.name !== 'mobile', 'one operator journey: mobile viewport');
	info.setTimeout(240_000);
	dataDir = mkdtempSync(join(tmpdir(), 'anxun-operator-'));
	const env = { ...process.env, DATABASE_URL: '', ANXUN_DATA_DIR: dataDir, ANXUN_SEED: 'reference' };
	const out = await run(tsx, ['scripts/admin-create.ts', '--account', '13900001111', '--name', '平台运营员'], { env });
	operatorPassword = /一次性密码：(\S+)/.exec(out.stdout)![1]!;
	server = await startServer({ ANXUN_DATA_DIR: dataDir, ANXUN_SEED: 'reference' });
});

test.afterAll(async () => {
	await server?.stop();
});

async function fillAll(page: Page, fields: [Locator, string][]) {
	await expect(async () => {
		for (const [field, value] of fields) if ((await field.inputValue()) !== value) await field.fill(value);
		await page.waitForTimeout(500);
		for (const [field, value] of fields) expect(await field.inputValue()).toBe(value);
	}).toPass({ timeout: 30_000 });
}

async function newPage(browser: Browser): Promise<Page> {
	return (await browser.newContext({ baseURL: server.url, locale: 'zh-CN' })).newPage();
}

async function login(page: Page, account: string, password: string) {
	await page.goto('/login');
	await page.waitForLoadState('networkidle');
	await fillAll(page, [
		[page.getByLabel('手机号或身份证号'), account],
		[page.getByLabel('密码'), password]
	]);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
}

/** First login with a one-time password: the platform sends the person to choose their own. */
async function firstLogin(page: Page, account: string, oneTime: string, next: string) {
	await login(page, account, oneTime);
	await expect(page).toHaveURL(/\/account\/password$/);
	await page.waitForLoadState('networkidle');
	await fillAll(page, [
		[page.getByLabel('当前密码'), oneTime],
		[page.getByLabel(/^新密码/), next],
		[page.getByLabel('再次输入新密码'), next]
	]);
	await page.getByRole('button', { name: '保存新密码' }).click();
	await expect(page).not.toHaveURL(/\/account\/password/);
}

function creditCode(body17: string) {
	return body17 + creditCodeCheckChar(body17);
}
function idNumber(first17: string) {
	return first17 + idNumberCheckChar(first17);
}

async function createOrgAdmin(page: Page, name: string, mobile: string): Promise<string> {
	await fillAll(page, [
		[page.getByLabel('姓名'), name],
		[page.getByLabel('手机号（登录账号）'), mobile]
	]);
	await page.getByRole('button', { name: '创建账号' }).click();
	const shown = page.getByTestId('one-time-password');
	await expect(shown).toContainText('此密码只显示这一次');
	return (await shown.locator('.password').textContent())!.trim();
}

test('a new operator brings a district, its enterprises and an institution onto an empty platform', async ({ browser }) => {
	test.setTimeout(300_000);

	// 1. the first platform admin: regulator for 渝北区 and a training institution, each with an admin
	const operator = await newPage(browser);
	await firstLogin(operator, '13900001111', operatorPassword, 'Operator2026');
	await operator.goto('/admin/orgs/new?kind=regulator');
	await operator.waitForLoadState('networkidle');
	await fillAll(operator, [[operator.getByLabel('单位名称'), '重庆市渝北区应急管理局']]);
	await operator.getByLabel(/管辖区域/).selectOption({ label: '渝北区（区县）' });
	await operator.getByRole('button', { name: '保存' }).click();
	await expect(operator.getByRole('heading', { name: '重庆市渝北区应急管理局' })).toBeVisible();
	const regulatorOtp = await createOrgAdmin(operator, '张卫东', '13900002222');

	await operator.goto('/admin/orgs/new?kind=institution');
	await operator.waitForLoadState('networkidle');
	await fillAll(operator, [
		[operator.getByLabel('单位名称'), '渝北安全技术培训学校'],
		[operator.getByLabel(/^统一社会信用代码/), creditCode('52500112MJ0000001')]
	]);
	await operator.getByLabel('所在区域').selectOption({ label: '渝北区（区县）' });
	await operator.getByRole('checkbox', { name: '主要负责人' }).check();
	await operator.getByRole('checkbox', { name: '安全生产管理人员' }).check();
	await operator.getByRole('button', { name: '保存' }).click();
	await expect(operator.getByRole('heading', { name: '渝北安全技术培训学校' })).toBeVisible();
	const institutionOtp = await createOrgAdmin(operator, '周校长', '13900003333');

	// 2. the regulator imports its enterprise directory
	const regulator = await newPage(browser);
	await firstLogin(regulator, '13900002222', regulatorOtp, 'Yubei2026x');
	await regulator.goto('/regulator/enterprises/import');
	const download = regulator.waitForEvent('download');
	await regulator.getByRole('link', { name: '下载企业名录模板（.xlsx）' }).click();
	const wb = new ExcelJS.Workbook();
	await wb.xlsx.load(readFileSync((await (await download).path())!) as unknown as ArrayBuffer);
	const sheet = wb.getWorksheet('企业名录')!;
	sheet.getRow(2).values = [creditCode('91500112MA0JNYR01'), '重庆名录甲机械有限公司', '龙溪街道', '机械', '渝北区龙溪街道1号', '王甲', '李乙', '023-67000001'];
	sheet.getRow(3).values = [creditCode('91500112MA0JNYR02'), '重庆名录乙化工有限公司', '回兴街道', '危险化学品', null, null, null, null];
	await regulator.getByLabel('Excel 文件（.xlsx）').setInputFiles({ name: '企业名录.xlsx', mimeType: XLSX, buffer: Buffer.from(await wb.xlsx.writeBuffer()) });
	await regulator.getByRole('button', { name: '上传并导入' }).click();
	await expect(regulator.getByRole('status').filter({ hasText: '新增 2 家、更新 0 家、未变 0 家' })).toBeVisible({ timeout: 30_000 });

	// 3. an enterprise registers itself; the regulator confirms
	const applicant = await newPage(browser);
	const enterpriseCode = creditCode('91500112MA0JNYR03');
	const contactMobile = '13900004444';
	await applicant.goto('/register');
	await applicant.waitForLoadState('networkidle');
	await applicant.getByLabel('所在区县').selectOption({ label: '渝北区' });
	await applicant.getByLabel('乡镇（街道）').selectOption({ label: '龙溪街道' });
	await applicant.getByLabel('行业').selectOption('it_machinery');
	await fillAll(applicant, [
		[applicant.getByLabel('统一社会信用代码'), enterpriseCode],
		[applicant.getByLabel('企业名称'), '重庆自注册精密制造有限公司'],
		[applicant.getByLabel('地址'), '渝北区龙溪街道9号'],
		[applicant.getByLabel('姓名'), '孙注册'],
		[applicant.getByLabel('身份证号'), idNumber('50011219800101001')],
		[applicant.getByLabel('手机号'), contactMobile]
	]);
	await applicant.getByRole('button', { name: '提交注册申请' }).click();
	await expect(applicant.getByRole('status')).toContainText('已提交');
	await regulator.goto('/regulator/registrations');
	await regulator.getByRole('link', { name: '重庆自注册精密制造有限公司' }).click();
	await regulator.getByRole('button', { name: '通过并创建企业管理员账号' }).click();
	const enterpriseOtp = (await regulator.getByTestId('one-time-password').textContent())!.trim();

	// 4. the institution builds and publishes a course
	const institution = await newPage(browser);
	await firstLogin(institution, '13900003333', institutionOtp, 'School2026x');
	await institution.goto('/institution/courses');
	await institution.waitForLoadState('networkidle');
	await fillAll(institution, [
		[institution.getByLabel(/^课程代码/), 'yb-2026-01'],
		[institution.getByLabel('课程名称'), '企业全员安全生产基础'],
		[institution.getByLabel('学时', { exact: true }), '1'],
		[institution.getByLabel('课程简介'), '渝北区企业全员年度培训。']
	]);
	await institution.getByLabel('培训类型').selectOption({ label: '专题' });
	for (const who of ['主要负责人', '安全生产管理人员', '一线从业人员']) await institution.getByRole('checkbox', { name: who }).check();
	await institution.getByRole('button', { name: '新建课程' }).click();
	await expect(institution.getByRole('heading', { name: '企业全员安全生产基础', level: 1 })).toBeVisible();
	const courseUrl = institution.url();
	await institution.getByLabel('添加章节').fill('第一章 安全生产责任');
	await institution.getByRole('button', { name: '添加章节' }).click();
	await institution.getByLabel('课时名称').fill('全员安全生产责任制');
	await institution.getByLabel('类型', { exact: true }).selectOption({ label: '图文' });
	await institution.getByLabel('时长（分钟）').fill('50');
	await institution.getByRole('button', { name: '添加课时' }).click();
	await institution.getByLabel('正文（Markdown）').fill('# 全员安全生产责任制\n\n生产经营单位应当建立健全全员安全生产责任制。\n\n来源：《安全生产法》第四条');
	await institution.getByRole('button', { name: '保存', exact: true }).click();
	await expect(institution.getByRole('status').filter({ hasText: '已保存。' })).toBeVisible();
	await institution.goto(courseUrl);
	await institution.getByRole('button', { name: '发布课程' }).click();
	await expect(institution).toHaveURL(/\?published=1$/);

	// 5. the enterprise admin signs in, imports staff and generates the plan
	const enterprise = await newPage(browser);
	await firstLogin(enterprise, contactMobile, enterpriseOtp, 'Zizhuce2026');
	await enterprise.goto('/enterprise/staff');
	await enterprise.getByRole('link', { name: /导入/ }).first().click();
	const template = await enterprise.request.get('/enterprise/staff/template');
	const staff = new ExcelJS.Workbook();
	await staff.xlsx.load(Buffer.from(await template.body()) as unknown as ArrayBuffer);
	const people = staff.getWorksheet('人员')!;
	people.getRow(2).values = ['钱学员', idNumber('50011219900303011'), '13900005555', '一线从业人员', '装配工', null, '2025-03-01'];
	people.getRow(3).values = ['赵安全', idNumber('50011219850404022'), '13900006666', '安全生产管理人员', '安全员', null, '2024-01-01'];
	await enterprise.getByLabel('Excel 文件（.xlsx）').setInputFiles({ name: 'staff.xlsx', mimeType: XLSX, buffer: Buffer.from(await staff.xlsx.writeBuffer()) });
	await enterprise.getByRole('button', { name: '上传并导入' }).click();
	await expect(enterprise).toHaveURL(/\/enterprise\/staff\?imported=2/, { timeout: 30_000 });
	await enterprise.goto('/enterprise/plan');
	await enterprise.getByRole('button', { name: /生成 \d+ 年度计划/ }).click();
	await expect(enterprise.getByRole('status').filter({ hasText: /新增 \d+ 项培训安排/ })).toBeVisible();

	// 6. the enterprise admin (also on the staff list) has the "course assigned" message
	await enterprise.goto('/messages');
	await expect(enterprise.getByRole('heading', { level: 1, name: '站内消息' })).toBeVisible();
	await expect(enterprise.getByRole('link', { name: /新课程/ }).first()).toBeVisible();

	// 7. backup, then restore into a fresh data directory: the restore verifies counts and the audit chain
	await server.stop();
	const file = join(mkdtempSync(join(tmpdir(), 'anxun-backup-')), 'anxun.backup');
	const env = { ...process.env, DATABASE_URL: '' };
	await run(tsx, ['scripts/backup.ts', file], { env: { ...env, ANXUN_DATA_DIR: dataDir } });
	const restored = await run(tsx, ['scripts/restore.ts', file], { env: { ...env, ANXUN_DATA_DIR: mkdtempSync(join(tmpdir(), 'anxun-restored-')) } });
	expect(restored.stdout).toContain('已恢复');
	expect(restored.stdout).not.toMatch(/表 .*：备份清单|审计日志 #/);
});
