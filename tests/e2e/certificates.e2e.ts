import { expect, test, type Browser, type Page } from './fixtures.ts';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type RunningServer } from '../support/server.ts';
import { prepareCertDemoDir } from '../support/cert-factories.ts';

// The "done when" journey: a candidate passed → the institution proposes → the 渝北 regulator
// approves → the learner downloads the PDF → a phone opens the QR URL → 有效, signature checked →
// revoked → 已撤销; and the offline verifier rejects a tampered payload. Its own server on a data
// directory prepared with a finished, passed exam (the shared e2e server's demo data has none yet).
process.env.ANXUN_KEY_ENCRYPTION_KEY ??= 'c'.repeat(64);
const PASSWORD = 'Anxun@2026';
let server: RunningServer;
let dir: string;
let sessionName: string;

test.beforeAll(async () => {
	dir = mkdtempSync(join(tmpdir(), 'anxun-cert-e2e-'));
	({ sessionName } = await prepareCertDemoDir(dir));
	server = await startServer({ ANXUN_DATA_DIR: dir });
});
test.afterAll(async () => {
	await server?.stop();
	if (dir) rmSync(dir, { recursive: true, force: true });
});

async function login(browser: Browser, account: string): Promise<Page> {
	const context = await browser.newContext({ baseURL: server.url });
	const page = await context.newPage();
	await page.goto('/login');
	await page.getByLabel('手机号或身份证号').fill(account);
	await page.getByLabel('密码').fill(PASSWORD);
	await page.getByRole('button', { name: '登录' }).click();
	await expect(page).not.toHaveURL(/\/login$/);
	return page;
}

test('a passed candidate gets a signed certificate that a phone can check, until it is revoked', async ({ browser }, info) => {
	test.setTimeout(120_000);
	// 1. the institution proposes the passed candidate
	const inst = await login(browser, '13800000004');
	await inst.goto('/institution');
	await inst.getByRole('link', { name: '证书发放' }).click();
	await inst.getByRole('link', { name: sessionName }).click();
	await inst.getByRole('checkbox', { name: '选择孙海涛' }).check();
	await inst.getByRole('button', { name: /提交发证申请（1 人）/ }).click();
	await expect(inst.getByTestId('propose-result')).toContainText('已提交 1 份发证申请');

	// 2. the 渝北区 regulator approves in the batch screen
	const reg = await login(browser, '13800000003');
	await reg.goto('/regulator');
	await reg.getByRole('link', { name: '证书审核' }).click();
	await reg.getByRole('checkbox', { name: '全选' }).check();
	await reg.getByRole('button', { name: '批准选中的 1 份' }).click();
	await expect(reg.getByTestId('decide-result')).toContainText(/已批准并签发 1 份/);

	// 3. the learner downloads the PDF from 我的证书
	const learner = await login(browser, '13800000007');
	await learner.goto('/learner');
	await learner.getByRole('link', { name: '我的证书' }).click();
	await expect(learner.getByTestId('cert-status')).toHaveText('有效');
	const [download] = await Promise.all([learner.waitForEvent('download'), learner.getByRole('link', { name: '下载证书 PDF' }).click()]);
	const pdfPath = join(dir, `cert-${info.project.name}.pdf`);
	await download.saveAs(pdfPath);
	const pdf = readFileSync(pdfPath);
	expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
	const qrUrl = /\/URI \(([^)]+\/verify\?n=[^)]+)\)/.exec(pdf.toString('latin1'))![1]!;

	// 4. a phone scans the QR code: no login
	const phone = await (await browser.newContext()).newPage();
	await phone.goto(qrUrl);
	await expect(phone.getByTestId('cert-status')).toHaveText('有效');
	await expect(phone.getByTestId('cert-signature')).toContainText('签名有效');
	await expect(phone.getByTestId('qr-signature')).toContainText('与平台记录一致');

	// 5. revoked by the regulator → 已撤销 with the reason
	await reg.goto('/regulator/certificates');
	await reg.getByLabel(/的理由$/).first().fill('以欺骗手段取得');
	await reg.getByRole('button', { name: '撤销' }).first().click();
	await expect(reg.getByTestId('revoke-result')).toContainText('已撤销');
	await phone.reload();
	await expect(phone.getByTestId('cert-status')).toHaveText('已撤销');
	await expect(phone.getByText('以欺骗手段取得')).toBeVisible();

	// 6. offline verifier: a tampered payload fails; the genuine one is reported revoked
	const tsx = ['node_modules/tsx/dist/cli.mjs', 'scripts/cert-verify.ts'];
	const genuine = spawnSync(process.execPath, [...tsx, pdfPath, '--server', server.url], { encoding: 'utf8' });
	expect(genuine.stdout).toContain('Ed25519');
	expect(genuine.stdout).toContain('已撤销');
	// the embedded payload is the only long base64url string object in the file
	const blob = /\(([\w-]{200,})\)/.exec(pdf.toString('latin1'))![1]!;
	const docs = JSON.parse(Buffer.from(blob, 'base64url').toString('utf8'));
	docs[0].payload.validUntil = '2099-12-31';
	const forged = join(dir, `forged-${info.project.name}.pdf`);
	writeFileSync(forged, Buffer.from(pdf.toString('latin1').replace(blob, Buffer.from(JSON.stringify(docs)).toString('base64url')), 'latin1'));
	const tampered = spawnSync(process.execPath, [...tsx, forged, '--server', server.url], { encoding: 'utf8' });
	expect(tampered.status).toBe(1);
	expect(tampered.stdout).toContain('签名无效');
});
