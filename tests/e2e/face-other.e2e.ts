import { expect, test, type Browser, type Page } from './fixtures.ts';
import { readFileSync } from 'node:fs';
import { startServer, type RunningServer } from '../support/server.ts';
import { personOfAccount, prepareServerDatabase, seedExamScenario } from '../support/exam-factories.ts';
import { enrol, makeCourse } from '../support/study-factories.ts';
import { fakeCameraFile, fakeCameraLaunch } from '../support/fake-camera.ts';
import { sampleJpeg, sampleRgb } from '../../src/lib/server/face/samples.ts';
import { seal, sealEmbedding } from '../../src/lib/server/face/vault.ts';
import { CONSENT_VERSION } from '../../src/lib/server/face/face-service.ts';

// Issue 16: another person sits at the learner's camera. The learner (孙海涛) consented and has a
// confirmed reference photo of man A; Chromium's fake camera shows a different man (B). The study
// check fails and crediting stays paused; the enterprise admin sees reference and snapshot side by
// side and decides 非本人; in an exam the start photo raises the face flag and the examiner sees
// both photos beside it. Own server and database (written before it opens), like exam.e2e.ts.
const PASSWORD = 'Anxun@2026';
const LEARNER = '13800000007';
const ENTERPRISE_ADMIN = '13800000006';
const EXAMINER = '13800000005';
const embeddings = JSON.parse(readFileSync('seeds/face-demo-embeddings.json', 'utf8')) as Record<string, number[]>;

let server: RunningServer;
let ids: { sessionId: number; enrolmentId: number; lessonId: number };

test.describe.configure({ mode: 'serial' });
test.use({ launchOptions: fakeCameraLaunch(fakeCameraFile([sampleRgb('b_person')])) });

// eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a hook asks for from its first parameter's pattern
test.beforeAll(async ({}, info) => {
	info.setTimeout(240_000);
	const prepared = await prepareServerDatabase('pglite', async (db) => {
		const s = await seedExamScenario(db, { learners: [LEARNER], sessions: [{ name: '人像比对演练', requireWebcam: true }] });
		const examiner = await db.selectFrom('users').select('id').where('mobile', '=', EXAMINER).executeTakeFirstOrThrow();
		await db.insertInto('exam_session_examiners').values({ session_id: s.sessionIds[0]!, user_id: examiner.id }).execute();
		const personId = await personOfAccount(db, LEARNER);
		const now = new Date();
		await db.insertInto('face_consents').values({ person_id: personId, action: 'given', text_version: CONSENT_VERSION, at: now }).execute();
		await db
			.insertInto('face_references')
			.values({ person_id: personId, source: 'capture', image_enc: seal(sampleJpeg('a_reference')), embedding_enc: sealEmbedding(embeddings.a_reference!), status: 'confirmed', created_at: now, confirmed_at: now })
			.execute();
		const course = await makeCourse(db, [{ minutes: 45 }]);
		return { sessionId: s.sessionIds[0]!, enrolmentId: await enrol(db, personId, course.courseId), lessonId: course.lessonIds[0]! };
	});
	ids = prepared.value;
	server = await startServer(prepared.env);
});

test.afterAll(async () => {
	await server?.stop();
});

async function login(browser: Browser, account: string): Promise<Page> {
	const context = await browser.newContext({ permissions: ['camera'], locale: 'zh-CN', baseURL: server.url });
	const page = await context.newPage();
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
	return page;
}

const loaded = (page: Page, alt: string) => expect.poll(() => page.getByAltText(alt).first().evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0));

test('another person at the camera: the study check fails, no credit; the admin sees both photos and decides 非本人', async ({ browser }) => {
	test.setTimeout(180_000);
	const learner = await login(browser, LEARNER);
	await learner.goto(`/learner/courses/${ids.enrolmentId}/lessons/${ids.lessonId}`);
	const dialog = learner.getByRole('alertdialog', { name: '人脸核验' });
	await expect(dialog).toBeVisible({ timeout: 20_000 });
	const answer = learner.waitForResponse((r) => r.url().endsWith('/api/study/face') && r.request().method() === 'POST', { timeout: 60_000 });
	await dialog.getByRole('button', { name: '拍照核验' }).click();
	expect(await (await answer).json(), 'another person at the camera is not matched').toMatchObject({ passed: false, message: '与登记照片不一致：这段时间不计学时，已记录待复核。' });
	// crediting stays paused: the check is still open and nothing is counted
	await learner.waitForTimeout(3000);
	await expect(dialog).toBeVisible();
	await expect(learner.getByTestId('study-state')).toContainText('暂停计时：人脸核验通过前不计学时');
	await expect(learner.getByRole('progressbar', { name: '本节已计学习时间' })).toHaveAttribute('aria-valuenow', '0');

	const admin = await login(browser, ENTERPRISE_ADMIN);
	await admin.goto('/enterprise/face');
	const row = admin.locator('[data-testid^="face-review-"]').first();
	await expect(row).toContainText('与登记照片不一致');
	await expect(row).toContainText('相似度');
	await expect(row.getByAltText('登记照片')).toBeVisible();
	await expect(row.getByAltText('抓拍照片')).toBeVisible();
	await loaded(admin, '登记照片').toBe(true);
	await loaded(admin, '抓拍照片').toBe(true);
	await row.getByRole('button', { name: '非本人' }).click();
	await expect(admin.getByRole('status')).toContainText('已记录复核结论');
	await expect(admin.locator('[data-testid^="face-review-"]')).toHaveCount(0);
	await learner.context().close();
	await admin.context().close();
});

test('another person at the exam start: the examiner sees the face flag with both photos', async ({ browser }) => {
	test.setTimeout(180_000);
	const learner = await login(browser, LEARNER);
	await learner.goto(`/learner/exams/${ids.sessionId}`);
	await learner.getByLabel('我已阅读并同意上述摄像头监考安排').check();
	await learner.getByRole('button', { name: '打开摄像头预览' }).click();
	await expect.poll(() => learner.getByLabel('摄像头预览').evaluate((v: HTMLVideoElement) => v.videoWidth), { timeout: 15_000 }).toBeGreaterThan(0);
	await learner.getByRole('button', { name: '开始考试' }).click();
	await expect(learner).toHaveURL(/\/learner\/exams\/attempts\/\d+$/, { timeout: 30_000 });
	const attemptId = Number(/attempts\/(\d+)/.exec(learner.url())![1]);
	await learner.getByRole('navigation', { name: '答题卡' }).getByRole('button', { name: '交卷' }).click();
	await learner.getByRole('dialog').getByRole('button', { name: '确认交卷' }).click();
	await expect(learner).toHaveURL(new RegExp(`/learner/exams/attempts/${attemptId}/result$`));

	const examiner = await login(browser, EXAMINER);
	// the start photo is matched in the background: wait for the result
	await expect
		.poll(
			async () => {
				await examiner.goto(`/institution/exams/attempts/${attemptId}`);
				return examiner.getByTestId('face-checks').count();
			},
			{ timeout: 60_000, intervals: [1000, 2000, 3000] }
		)
		.toBe(1);
	await expect(examiner.getByRole('region', { name: '诚信标记' })).toContainText('人像比对不一致');
	const faces = examiner.getByTestId('face-checks');
	await expect(faces).toContainText('与登记照片不一致');
	await expect(faces).toContainText(/相似度 0\.\d\d/);
	await loaded(examiner, '登记照片').toBe(true);
	await loaded(examiner, '考试照片').toBe(true);
	// the flag → decision flow
	await examiner.getByLabel('已复核，予以警告').check();
	await examiner.getByLabel('理由（考生可以看到）').fill('开考照片与登记照片不是同一人，已电话核实。');
	await examiner.getByRole('button', { name: '保存结论' }).click();
	await expect(examiner.getByTestId('decision')).toContainText('已复核，予以警告');
	await learner.context().close();
	await examiner.context().close();
});
