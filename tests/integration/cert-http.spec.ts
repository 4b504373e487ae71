// Certificates through the built server: the whole issuing journey over HTTP, the public verify
// page and API (no login, rate limit, hostile input), published keys and status list.
process.env.ANXUN_KEY_ENCRYPTION_KEY ??= 'b'.repeat(64);
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { prepareCertDemoDir } from '../support/cert-factories.ts';
import { extractSignedFromPdf, verifyUrl } from '../../src/lib/server/certificates/certificate-pdf.ts';
import { checkSignedCertificate, checkStatusList, parseSignedCertificate, bitAt, type PublishedKeys, type SignedStatusList } from '../../src/lib/server/certificates/signature.ts';

const built = hasBuild(import.meta.url);
const PASSWORD = 'Anxun@2026';

describe.skipIf(!built)('certificates over HTTP (built server)', () => {
	let server: RunningServer;
	let dir: string;
	let sessionId: number;
	beforeAll(async () => {
		dir = mkdtempSync(join(tmpdir(), 'anxun-cert-http-'));
		({ sessionId } = await prepareCertDemoDir(dir));
		server = await startServer({ ANXUN_DATA_DIR: dir, ANXUN_VERIFY_LIMIT_PER_MINUTE: '40' });
	});
	afterAll(async () => {
		await server?.stop();
		if (dir) rmSync(dir, { recursive: true, force: true });
	});

	it('institution proposes, regulator approves, learner downloads, the QR URL verifies, revocation shows', async () => {
		const inst = new Client(server.url);
		await inst.login('13800000004', PASSWORD);
		const page = await (await inst.get(`/institution/certificates/${sessionId}`)).text();
		expect(page).toContain('孙海涛');
		const attempt = /name="attempt" value="(\d+)"/.exec(page)![1]!;
		const proposed = await inst.request(`/institution/certificates/${sessionId}?/propose`, { method: 'POST', body: new URLSearchParams({ attempt }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
		expect(proposed.status).toBe(200);
		// another institution's admin and a learner cannot see the session
		const learner = new Client(server.url);
		await learner.login('13800000007', PASSWORD);
		expect((await learner.get(`/institution/certificates/${sessionId}`)).status).toBe(403);
		expect((await inst.get('/institution/certificates/999999')).status).toBe(404);
		expect((await inst.get('/institution/certificates/abc')).status).toBe(404);

		// 长寿区 does not see the 渝北 proposal; 渝北区 approves it
		const changshou = new Client(server.url);
		await changshou.login('13800000010', PASSWORD);
		expect(await (await changshou.get('/regulator/certificates')).text()).not.toContain('孙海涛');
		const yubei = new Client(server.url);
		await yubei.login('13800000003', PASSWORD);
		const regPage = await (await yubei.get('/regulator/certificates')).text();
		const certId = /name="id" value="(\d+)"/.exec(regPage)![1]!;
		const forbidden = await changshou.request('/regulator/certificates?/decide', { method: 'POST', body: new URLSearchParams({ id: certId, decision: 'approve', reason: '' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
		expect(await forbidden.text()).toContain('不在本辖区');
		const approved = await yubei.request('/regulator/certificates?/decide', { method: 'POST', body: new URLSearchParams({ id: certId, decision: 'approve', reason: '' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
		expect(approved.status).toBe(200);

		// the learner's 我的证书 and PDF
		const mine = await (await learner.get('/learner/certificates')).text();
		expect(mine).toContain('有效');
		// 我的学习 lists the same certificate (it used to say 暂无证书 whatever the learner held)
		const home = await (await learner.get('/learner')).text();
		const number = /[A-Z]{2}-\d{4}-\d{6}-\d{6}-[0-9A-Z*]/.exec(mine)?.[0];
		expect(number).toBeTruthy();
		expect(home).toContain(number!);
		expect(home).not.toContain('暂无证书');
		const pdfRes = await learner.get(`/learner/certificates/${certId}/pdf`);
		expect(pdfRes.headers.get('content-type')).toBe('application/pdf');
		const pdf = Buffer.from(await pdfRes.arrayBuffer());
		const signed = parseSignedCertificate(extractSignedFromPdf(pdf)[0]);
		const enterpriseAdmin = new Client(server.url);
		await enterpriseAdmin.login('13800000006', PASSWORD);
		expect((await enterpriseAdmin.get(`/learner/certificates/${certId}/pdf`)).status).toBe(403);
		const principal = new Client(server.url);
		await principal.login('500115197803150011', PASSWORD);
		expect((await principal.get(`/learner/certificates/${certId}/pdf`)).status).toBe(404);
		expect(await (await enterpriseAdmin.get('/enterprise/certificates')).text()).toContain(signed.payload.number);

		// scan: the QR URL, with no session
		const qr = verifyUrl(server.url, signed);
		expect(pdf.toString('latin1')).toContain(`/URI (${qr})`);
		const anon = await (await fetch(qr)).text();
		expect(anon).toContain('有效');
		expect(anon).toContain('✔ 签名有效');
		expect(anon).toContain('与平台记录一致');
		expect(anon).not.toContain('孙海涛'); // masked: 孙*涛
		expect(anon).toContain('孙*涛');

		// keys and status list are public and check the PDF's payload offline
		const keys = (await (await fetch(`${server.url}/.well-known/anxun-keys.json`)).json()) as PublishedKeys;
		expect(checkSignedCertificate(signed, keys)).toMatchObject({ ok: true });
		const api = await fetch(`${server.url}/api/verify/${signed.payload.number}?s=${signed.proof.ed25519.sig}`);
		expect(((await api.json()) as { signed: unknown }).signed).toEqual(signed);

		// revoke → 已撤销 and the status list has the bit
		const revoked = await yubei.request('/regulator/certificates?/revoke', { method: 'POST', body: new URLSearchParams({ id: certId, reason: '证件信息虚假' }), headers: { 'content-type': 'application/x-www-form-urlencoded' } });
		expect(await revoked.text()).toContain('已撤销');
		const after = await (await fetch(qr)).text();
		expect(after).toContain('已撤销');
		expect(after).toContain('证件信息虚假');
		const status = (await (await fetch(`${server.url}/.well-known/anxun-status.json`)).json()) as SignedStatusList;
		// the platform's own key (signing the status list) was created with the first list
		const keysNow = (await (await fetch(`${server.url}/.well-known/anxun-keys.json`)).json()) as PublishedKeys;
		expect(checkStatusList(status, keysNow)).toBe('valid');
		expect(bitAt(status.encodedList, signed.payload.statusIndex)).toBe(true);
		const audit = await (await fetch(`${server.url}/api/verify/${signed.payload.number}`)).json();
		expect(audit).toMatchObject({ status: 'revoked', statusLabel: '已撤销', signed: null });
	});

	it('treats hostile lookup input as text and rate-limits rapid lookups from one IP', async () => {
		const html = await (await fetch(`${server.url}/verify?n=${encodeURIComponent('<script>alert(1)</script>')}`)).text();
		expect(html).not.toContain('<script>alert(1)</script>');
		expect(html).toContain('格式不正确');
		const sqlish = await fetch(`${server.url}/api/verify/${encodeURIComponent("TZ' OR '1'='1")}`);
		expect(sqlish.status).toBe(400);
		const missing = await fetch(`${server.url}/api/verify/TZ-2026-500112-999990-0`);
		expect([400, 404]).toContain(missing.status);
		const statuses: number[] = [];
		for (let i = 0; i < 1000; i++) statuses.push((await fetch(`${server.url}/api/verify/TZ-2026-500112-00000${i % 10}-X`)).status);
		expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(900);
		expect(statuses.slice(-50).every((s) => s === 429)).toBe(true);
		const page = await fetch(`${server.url}/verify?n=TZ-2026-500112-000001-X`);
		expect(await page.text()).toContain('查询过于频繁');
	});
});
