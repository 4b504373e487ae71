import { expect, test, type Browser, type Page } from './fixtures.ts';

// The training institution runs an exam: the admin builds a blueprint (and is told, in Chinese,
// what is wrong with it first), creates a session open now, adds a candidate by 身份证号
// (a bad line is refused with its line number) and prepares the papers. The candidate starts;
// the examiner watches the live console, opens the attempt's timeline and sends a warning,
// which the candidate's next sync receives.
const PASSWORD = 'Anxun@2026';
const PRINCIPAL = '500115197803150011'; // 周长风

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
}

async function newPage(browser: Browser, account: string) {
	const context = await browser.newContext();
	const page = await context.newPage();
	await login(page, account);
	return page;
}

/** 'YYYY-MM-DDTHH:mm' in China Standard Time, for a datetime-local input. */
function shanghaiLocal(at: number): string {
	return new Date(at + 8 * 3600_000).toISOString().slice(0, 16);
}

test('an institution admin builds a blueprint and a session; the examiner watches and warns', async ({ page, browser }, info) => {
	test.setTimeout(120_000);
	const tag = `${info.project.name}-${Date.now().toString(36)}`;
	const blueprintName = `端到端组卷 ${tag}`;
	const sessionName = `端到端场次 ${tag}`;

	await login(page, '13800000004');
	await page.getByRole('link', { name: '进入考试管理' }).click();
	await expect(page.getByRole('heading', { name: '考试场次', level: 1 })).toBeVisible();
	await page.getByRole('link', { name: '组卷策略' }).click();
	await page.getByRole('link', { name: '新建组卷策略' }).click();

	await page.getByLabel('名称', { exact: true }).fill(blueprintName);
	await page.getByLabel('证书类型').selectOption('training');
	await page.getByLabel(/新《安全生产法》/).check();
	await page.getByLabel('合格分数').fill('120');
	await page.getByRole('button', { name: '保存组卷策略' }).click();
	const problems = page.locator('#blueprint-problems');
	await expect(problems).toContainText('合格分数 120 不能高于总分 100');
	// the editor says how many questions each section can draw from
	await expect(page.getByTestId('supply-1')).toHaveCount(0);

	// wait for hydration: it would put the posted values back into the inputs
	await page.waitForLoadState('networkidle');
	await page.getByLabel('合格分数').fill('80');
	await page.getByLabel('题量').first().fill('200');
	await page.getByLabel('总分').fill('260');
	await page.getByRole('button', { name: '保存组卷策略' }).click();
	// the bank's usable single-choice count changes as questions are added or retired: the refusal and the
	// section's supply line must name the same figure, below the 200 asked for
	await expect(problems).toContainText(/第1部分：单选题只有 \d+ 道，需要 200 道/);
	const have = Number((await problems.textContent())!.match(/单选题只有 (\d+) 道/)![1]);
	expect(have).toBeGreaterThan(40);
	expect(have).toBeLessThan(200);
	await expect(page.getByTestId('supply-1')).toContainText(`共 ${have} 道`);

	await page.waitForLoadState('networkidle');
	await page.getByLabel('题量').first().fill('40');
	await page.getByLabel('总分').fill('100');
	await page.getByRole('button', { name: '保存组卷策略' }).click();
	await expect(page.getByText('组卷策略已保存。')).toBeVisible();
	await expect(page.getByTestId('supply-2')).toContainText(/多选题 共 \d+ 道，本部分需要 20 道/);

	await page.getByRole('link', { name: '用此策略新建场次' }).click();
	await page.waitForLoadState('networkidle');
	await page.getByLabel('场次名称').fill(sessionName);
	await page.getByLabel('开考时间（北京时间）').fill(shanghaiLocal(Date.now() - 10 * 60_000));
	await page.getByLabel('截止时间（北京时间）').fill(shanghaiLocal(Date.now() + 3 * 3600_000));
	await expect(page.getByTestId('resit-rule')).toContainText('非法定资格考试');
	await page.getByLabel('刘志强').check();
	await page.getByRole('button', { name: '创建场次' }).click();
	await expect(page.getByRole('heading', { name: sessionName })).toBeVisible();
	await page.waitForLoadState('networkidle');
	const sessionUrl = page.url().replace(/\?.*$/, '');

	const roster = page.getByLabel(/粘贴身份证号添加考生/);
	await roster.fill(`${PRINCIPAL}\n50011519780315001X`);
	await page.getByRole('button', { name: '添加考生' }).click();
	await expect(page.getByRole('alert')).toContainText('第 2 行：');
	await expect(page.getByText('名单为空。')).toBeVisible();
	await page.getByLabel(/粘贴身份证号添加考生/).fill(PRINCIPAL);
	await page.getByRole('button', { name: '添加考生' }).click();
	await expect(page.getByText('已添加 1 人')).toBeVisible();
	await page.getByRole('button', { name: '立即生成试卷' }).click();
	await expect(page.getByText(/共有 1 位考生的试卷已就绪/)).toBeVisible();
	const sessionId = Number(/sessions\/(\d+)/.exec(sessionUrl)![1]);

	// the candidate starts (through the candidate API)
	const learner = await newPage(browser, PRINCIPAL);
	const clientId = `e2e-admin-${tag}`.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, 60);
	const started = await learner.request.post(`/api/exam/sessions/${sessionId}/start`, { data: { clientId } });
	expect(started.status(), await started.text()).toBe(200);
	const { attemptId } = (await started.json()) as { attemptId: number };

	// the examiner sees the session, the console and the attempt's timeline
	const examiner = await newPage(browser, '13800000005');
	await examiner.getByRole('link', { name: '我监考的场次' }).click();
	await examiner.getByRole('link', { name: sessionName }).click();
	const row = examiner.getByTestId('console-row').filter({ hasText: '周长风' });
	await expect(row).toContainText('考试中');
	await expect(row).toContainText('0/80');
	await row.getByRole('link', { name: '周长风' }).click();
	await expect(examiner).toHaveURL(new RegExp(`/institution/exams/attempts/${attemptId}$`));
	await expect(examiner.getByTestId('timeline')).toContainText('开始考试');
	await examiner.getByLabel('警告内容（考生页面会立即显示）').fill('请勿离开考试页面（端到端测试）');
	await examiner.getByRole('button', { name: '发送警告' }).click();
	await expect(examiner.getByText('警告已发送')).toBeVisible();
	await expect(examiner.getByTestId('timeline')).toContainText('考评员警告');

	const sync = await learner.request.post(`/api/exam/attempts/${attemptId}/sync`, { data: { clientId, answers: [], events: [] } });
	expect(sync.status()).toBe(200);
	const body = (await sync.json()) as { warnings: { message: string }[] };
	expect(body.warnings.map((w) => w.message)).toContain('请勿离开考试页面（端到端测试）');

	// the examiner may not manage the roster or open blueprints
	expect((await examiner.request.get('/institution/exams/blueprints')).status()).toBe(403);
	await learner.context().close();
	await examiner.context().close();
});
