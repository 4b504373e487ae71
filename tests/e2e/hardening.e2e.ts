import { expect, test, type Page } from './fixtures.ts';
import { openAccountMenu, watchCsp } from '../support/e2e-page.ts';

// Issue 11 (CSP) and issue 20 item 4 (Back after 退出) in the browser.
const PASSWORD = 'Anxun@2026';

async function login(page: Page, account: string) {
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
}


test('Back after 退出 does not show the previous user\'s page', async ({ page }) => {
	await login(page, '13800000007');
	await page.goto('/learner/certificates');
	await openAccountMenu(page); // on a phone the signed-in name sits behind 菜单
	await expect(page.getByText('孙海涛').first()).toBeVisible();
	await page.getByRole('button', { name: '退出' }).click();
	await expect(page).toHaveURL(/\/login$/);
	await page.goBack();
	await page.waitForLoadState('load');
	await expect(page).toHaveURL(/\/login$/);
	await expect(page.getByText('孙海涛')).toHaveCount(0);
});

test('pages run under the Content-Security-Policy: chart, study, PDF lesson', async ({ page, baseURL }, info) => {
	test.skip(info.project.name !== 'desktop', 'one viewport is enough for the policy');
	test.setTimeout(120_000);
	const violations = await watchCsp(page);

	// a chart page
	await login(page, '13800000002');
	const first = await page.goto('/regulator/coverage');
	expect(first?.headers()['content-security-policy']).toContain("frame-ancestors 'none'");
	await page.getByTestId('targets').getByRole('link').first().click();
	await expect(page.getByRole('img', { name: /月度覆盖率/ })).toBeVisible();
	await page.getByRole('button', { name: '退出' }).click();

	// a study page with the clock running (scripts and fetches allowed)
	await login(page, '500115197803150011');
	await page.getByRole('link', { name: /继续学习|开始学习/ }).first().click();
	await expect(page.getByTestId('study-state')).toContainText(/计时中|学习确认/, { timeout: 20_000 });
	await page.getByRole('button', { name: '退出' }).click();

	// a PDF lesson shown in an <object>, uploaded by the institution admin
	await login(page, '13800000004');
	const post = (path: string, form: Record<string, string>) => page.request.post(path, { form, headers: { origin: baseURL!, accept: 'text/html' }, maxRedirects: 0 });
	const created = await post('/institution/courses?/create', { code: `csp-${Date.now().toString(36)}`, title: '内容安全策略检查', training_type: 'topic', credit_hours: '0.1' });
	const courseId = Number(/\/institution\/courses\/(\d+)/.exec(created.headers()['location'] ?? '')![1]);
	const mod = await post(`/institution/courses/${courseId}?/addModule`, { title: '第一章' });
	const moduleId = Number(/#module-(\d+)$/.exec(mod.headers()['location'] ?? '')![1]);
	const lesson = await post(`/institution/courses/${courseId}?/addLesson`, { module_id: String(moduleId), title: 'PDF 课件', kind: 'pdf', minutes: '5' });
	const lessonId = Number(/\/lessons\/(\d+)/.exec(lesson.headers()['location'] ?? '')![1]);
	const pdf = Buffer.from('%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
	const up = await page.request.post(`/institution/courses/${courseId}/lessons/${lessonId}?/upload`, { multipart: { kind: 'pdf', file: { name: '课件.pdf', mimeType: 'application/pdf', buffer: pdf } }, headers: { origin: baseURL!, accept: 'text/html' }, maxRedirects: 0 });
	expect(up.status()).toBe(303);
	await page.goto(`/institution/courses/${courseId}/preview/${lessonId}`);
	const object = page.locator('object.pdf');
	await expect(object).toBeVisible();
	const fileUrl = await object.getAttribute('data');
	const file = await page.request.get(fileUrl!);
	expect(file.status()).toBe(200);
	expect(file.headers()['x-frame-options']).toBe('SAMEORIGIN');
	await page.waitForTimeout(1000);

	expect(violations).toEqual([]);
});
