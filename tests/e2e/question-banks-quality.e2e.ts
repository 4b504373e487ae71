import { expect, test, type Page } from './fixtures.ts';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import YAML from 'yaml';
import { startServer, type RunningServer } from '../support/server.ts';
import { prepareServerDatabase } from '../support/exam-factories.ts';
import { openAccountMenu } from '../support/e2e-page.ts';
import { seedIfEmpty } from '../../seeds/index.ts';
import { syncRepositoryBanks } from '../../src/lib/server/question-bank/sync.ts';

// Issue 14 on a phone: the bank pages show how many questions are usable in statutory papers
// today, and a case-analysis group is practised as one run, its scenario shown once above it.
// The server runs on its own database: the demo data plus a small platform bank with one case
// (tests/fixtures/banks-giveaway/clean: its first 20 single-choice questions, open to everyone).
const PASSWORD = 'Anxun@2026';
const ADMIN = '13800000004';
const LEARNER = '13800000006';

let server: RunningServer;

test.describe.configure({ mode: 'serial' });

function caseBankRoot(): string {
	const dir = mkdtempSync(join(tmpdir(), 'anxun-case-bank-'));
	cpSync('tests/fixtures/banks-giveaway/sources', join(dir, 'sources'), { recursive: true });
	cpSync('tests/fixtures/banks-giveaway/clean', join(dir, 'clean'), { recursive: true });
	const bankFile = join(dir, 'clean/bank.yaml');
	const bank = YAML.parse(readFileSync(bankFile, 'utf8'));
	bank.audience = ['主要负责人', '安全生产管理人员', '一线从业人员'];
	bank.name = '案例分析示例题库';
	writeFileSync(bankFile, YAML.stringify(bank));
	const file = join(dir, 'clean/questions/main.yaml');
	const doc = YAML.parse(readFileSync(file, 'utf8'));
	doc.questions = doc.questions.slice(0, 20);
	writeFileSync(file, YAML.stringify(doc));
	return dir;
}

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	test.skip(info.project.name !== 'mobile', 'runs once, on the phone viewport');
	info.setTimeout(240_000);
	const prepared = await prepareServerDatabase('pglite', async (db) => {
		await seedIfEmpty(db, { demo: true });
		await syncRepositoryBanks(db, caseBankRoot(), new Date());
	});
	server = await startServer(prepared.env);
});

test.afterAll(async () => {
	await server?.stop();
});

async function login(page: Page, account: string) {
	await page.goto(`${server.url}/login`);
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
}

test('the bank list and the bank page show the questions usable in statutory papers today', async ({ page }) => {
	await login(page, ADMIN);
	await page.goto(`${server.url}/institution/banks`);
	await expect(page.getByRole('columnheader', { name: '今日可用于正式考试' })).toBeVisible();
	await expect(page.getByTestId('usable-clean')).toHaveText('20');
	// the 2017 化工 standard was superseded: its questions are 待复核 and not counted
	const total = Number(await page.locator('tr', { has: page.getByRole('link', { name: /重大事故隐患|重大危险源/ }) }).locator('td').nth(2).innerText());
	const usable = Number(await page.getByTestId('usable-major-hazard').innerText());
	expect(usable).toBeGreaterThan(0);
	expect(usable).toBeLessThan(total);
	await page.getByRole('link', { name: '案例分析示例题库' }).click();
	await expect(page.getByTestId('usable-count')).toContainText('今日可用于正式考试：20 道');
	await expect(page.getByTestId('usable-count')).toContainText('案例分析组 1 组');
});

test('a case group is practised as one run, the scenario shown once above it', async ({ page }) => {
	test.setTimeout(120_000);
	await login(page, LEARNER);
	await openAccountMenu(page);
	await page.getByLabel('切换身份').selectOption({ label: '学员 · 重庆渝北精工机械有限公司' });
	await expect(page).toHaveURL(/\/learner$/);
	await page.goto(`${server.url}/learner/practice`);
	await page.getByLabel('题库').selectOption({ label: '案例分析示例题库（20 题）' });
	await expect(page).toHaveURL(/[?&]bank=\d+/);
	await page.getByLabel(/^题量/).fill('20');
	await page.getByRole('button', { name: '开始练习' }).click();
	await expect(page).toHaveURL(/\/learner\/exams\/attempts\/\d+$/);

	const question = page.locator('#question');
	const card = (n: number) => page.getByRole('navigation', { name: '答题卡' }).getByRole('button', { name: new RegExp(`^第 ${n} 题，`) });
	let first = 0;
	for (let n = 1; n <= 20 && !first; n++) {
		await card(n).click();
		await expect(question.locator('legend')).toContainText(`第 ${n} 题`);
		if (await question.getByTestId('case-scenario').count()) first = n;
	}
	expect(first).toBeGreaterThan(0);
	const box = question.getByTestId('case-scenario');
	await expect(box).toContainText(`案例分析：某厂受限空间作业（第 ${first}–${first + 2} 题共用）`);
	await expect(box.locator('p.scenario')).toBeVisible();
	// the next two questions belong to the same case: the scenario is not repeated, only offered
	for (const n of [first + 1, first + 2]) {
		await card(n).click();
		await expect(question.locator('legend')).toContainText(`第 ${n} 题`);
		await expect(question.getByTestId('case-scenario')).toContainText(`第 ${first}–${first + 2} 题共用`);
		await expect(question.getByTestId('case-scenario').locator('p.scenario')).toBeHidden();
		await question.getByTestId('case-scenario').locator('summary').click();
		await expect(question.getByTestId('case-scenario').locator('p.scenario')).toBeVisible();
	}
	if (first + 3 <= 20) {
		await card(first + 3).click();
		await expect(question.locator('legend')).toContainText(`第 ${first + 3} 题`);
		await expect(question.getByTestId('case-scenario')).toHaveCount(0);
	}
});
