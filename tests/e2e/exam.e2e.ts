import { expect, test, type Page } from './fixtures.ts';
import { startServer, type RunningServer } from '../support/server.ts';
import { prepareServerDatabase, seedExamScenario } from '../support/exam-factories.ts';
import { watchCsp } from '../support/e2e-page.ts';

// A candidate takes an exam on a phone, loses the network for a while, reloads, and submits.
// The exam data is written into a fresh embedded database before this test's own server opens it
// (the shared e2e server holds its database directory, and the demo seed has no open session).
const PASSWORD = 'Anxun@2026';
const LEARNER = '13800000007';

let server: RunningServer;

test.describe.configure({ mode: 'serial' });

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	test.skip(info.project.name !== 'mobile', 'the exam journey runs on the phone viewport');
	info.setTimeout(240_000);
	const prepared = await prepareServerDatabase('pglite', (db) => seedExamScenario(db, { learners: [LEARNER], sessions: [{ name: '手机端考试演练', reviewPolicy: 'score_only' }] }));
	server = await startServer(prepared.env);
});

test.afterAll(async () => {
	await server?.stop();
});

const question = (page: Page) => page.locator('#question');

async function answerCurrent(page: Page) {
	await question(page).locator('label.option').first().click();
}

async function serverState(page: Page, attemptId: number) {
	const clientId = await page.evaluate(() => localStorage.getItem('anxun-exam-client'));
	const r = await page.request.get(`${server.url}/api/exam/attempts/${attemptId}?clientId=${clientId}`);
	expect(r.status()).toBe(200);
	return (await r.json()) as { answers: { slot: number; seq: number }[]; maxSeq: number; deadline: string };
}

function clockSeconds(text: string): number {
	const parts = /(\d+:)?(\d+):(\d+)/.exec(text)!;
	return (parts[1] ? Number(parts[1].slice(0, -1)) * 3600 : 0) + Number(parts[2]) * 60 + Number(parts[3]);
}

test('a learner takes an exam on a phone through a network outage, a reload and the submit', async ({ page, context }) => {
	test.setTimeout(180_000);
	// the whole journey runs under the Content-Security-Policy without a single violation
	const violations = await watchCsp(page);
	await page.goto(`${server.url}/login`);
	await page.getByLabel('手机号或身份证号').fill(LEARNER);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(/\/learner$/);

	await page.getByRole('link', { name: '我的考试' }).click();
	await page.getByRole('link', { name: '手机端考试演练' }).click();
	await expect(page.getByText('您符合本场考试的条件，可以开考')).toBeVisible();
	await page.getByRole('button', { name: '开始考试' }).click();
	await expect(page).toHaveURL(/\/learner\/exams\/attempts\/\d+$/);
	expect((await page.request.get(page.url())).headers()['content-security-policy']).toMatch(/script-src 'self' 'nonce-/);
	const attemptId = Number(/attempts\/(\d+)/.exec(page.url())![1]);
	await expect(page.getByTestId('clock')).toContainText(/剩余 \d+:\d\d/);

	// online: two answers, each acknowledged by the server
	for (let i = 0; i < 2; i++) {
		await answerCurrent(page);
		await expect(question(page).getByText('已保存', { exact: true })).toBeVisible();
		await page.getByRole('button', { name: '下一题' }).click();
	}

	// offline: two more, queued on the device, with the banner
	await context.setOffline(true);
	await expect(page.getByTestId('offline-banner')).toHaveText('网络已断开，作答已暂存在本机，恢复后自动提交');
	for (let i = 0; i < 2; i++) {
		await answerCurrent(page);
		await expect(question(page).getByText('待保存')).toBeVisible();
		await page.getByRole('button', { name: '下一题' }).click();
	}
	await expect(page.getByText('待保存 2')).toBeVisible();
	const queued = await page.evaluate((id) => JSON.parse(localStorage.getItem(`anxun-exam:${id}`) ?? '{}').answers.length, attemptId);
	expect(queued).toBe(2);

	// back online: the queue goes out by itself
	await context.setOffline(false);
	await expect(page.getByTestId('online-banner')).toBeVisible();
	await expect(page.getByText(/待保存 \d/)).toBeHidden({ timeout: 15_000 });
	await expect(page.getByTestId('online-banner')).toHaveText('网络已恢复，暂存的作答已全部保存');
	const state = await serverState(page, attemptId);
	// four answers, four steps: none lost, none stored twice
	expect(state.answers).toHaveLength(4);
	expect(state.answers.map((a) => a.seq).sort()).toEqual([1, 2, 3, 4]);
	expect(state.maxSeq).toBe(4);

	// reload: the same answers and the clock carries on from the server's deadline
	const before = clockSeconds((await page.getByTestId('clock').textContent()) ?? '');
	await page.reload();
	await expect(page.getByTestId('clock')).toContainText(/剩余/);
	const after = clockSeconds((await page.getByTestId('clock').textContent()) ?? '');
	expect(after).toBeLessThanOrEqual(before);
	expect(before - after).toBeLessThan(60);
	expect((await serverState(page, attemptId)).deadline).toBe(state.deadline);
	await expect(page.getByRole('navigation', { name: '答题卡' }).getByRole('button', { name: /已答/ })).toHaveCount(4);

	// submit: the confirmation lists the unanswered questions
	await page.getByRole('navigation', { name: '答题卡' }).getByRole('button', { name: '交卷' }).click();
	const dialog = page.getByRole('dialog');
	await expect(dialog.getByTestId('unanswered')).toHaveText('第 5、6、7、8、9、10 题');
	await dialog.getByRole('button', { name: '确认交卷' }).click();
	await expect(page).toHaveURL(new RegExp(`/learner/exams/attempts/${attemptId}/result$`));
	await expect(page.getByTestId('verdict')).toHaveText(/合格|不合格/, { timeout: 15_000 });
	await expect(page.getByTestId('score')).toContainText('/ 100 分');
	await expect(page.getByRole('heading', { name: '各知识点得分' })).toBeVisible();
	expect(violations).toEqual([]);
});
