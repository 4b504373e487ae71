import { expect, test, type Page } from './fixtures.ts';

// Issue 15: the end-of-lesson practice quiz. The principals' course ends with 事故报告, whose
// quiz draws three questions from the accident-emergency bank. Nothing is stored, so the shared
// demo server is enough.
const PASSWORD = 'Anxun@2026';

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).toHaveURL(/\/learner$/);
}

test('a principal answers the practice questions at the end of a lesson on the phone', async ({ page }) => {
	await login(page, '500115197803150011');
	await page.getByRole('link', { name: /继续学习|开始学习/ }).first().click();
	await page.getByRole('link', { name: /← / }).click();
	await page.getByRole('link', { name: /事故发生后：抢救、报告与调查/ }).click();
	await expect(page.getByRole('heading', { level: 1 })).toHaveText(/事故发生后/);
	const dialog = page.getByRole('alertdialog');

	const quiz = page.getByTestId('lesson-quiz');
	await expect(quiz.getByRole('heading', { name: '课后练习' })).toBeVisible();
	await expect(quiz).toContainText('练习不是考试，不计分、不计学时');
	const questions = quiz.getByTestId('quiz-question');
	await expect(questions).toHaveCount(3);
	// the key is not on the page before answering
	await expect(quiz.getByTestId('quiz-result')).toHaveCount(0);
	await expect(quiz).not.toContainText('正确答案');
	// nor in the data the page loaded: the stems are there, the keys and explanations are not
	const sent = await (await page.request.get(`${new URL(page.url()).pathname}/__data.json`)).text();
	for (const key of ['"questions"', '"stem"', '"options"']) expect(sent).toContain(key);
	for (const key of ['"explanation"', '"basis"', '"knowledge"', 'answer:', '"answer"']) expect(sent).not.toContain(key);

	// submitting nothing is refused with a message, not an error page
	if (await dialog.isVisible()) await page.getByRole('button', { name: '我在学习' }).click();
	await questions.nth(0).getByRole('button', { name: '提交答案' }).click();
	await expect(questions.nth(0).getByRole('alert')).toHaveText('请先选择答案再提交');

	for (let i = 0; i < 3; i++) {
		if (await dialog.isVisible()) await page.getByRole('button', { name: '我在学习' }).click();
		const q = questions.nth(i);
		const first = q.locator('label.option').first();
		await first.click();
		await q.getByRole('button', { name: '提交答案' }).click();
		const result = q.getByTestId('quiz-result');
		await expect(result).toContainText(/回答(正确|错误)\s*正确答案：/);
		await expect(result).toContainText('解析：');
		await expect(q.getByRole('button', { name: '提交答案' })).toHaveCount(0);
	}
	await expect(quiz.getByTestId('quiz-summary')).toContainText(/练习完成：答对 \d \/ 3 题/);
	// answering did not reload the page: the study clock is still on this lesson
	await expect(page.getByTestId('study-state')).toBeVisible();
});
