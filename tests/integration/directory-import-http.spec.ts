// Enterprise directory import (企业名录) through the built server: who may download and upload,
// the body limit of the upload route, and a small import shown in the regulator's list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import ExcelJS from 'exceljs';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';
import { streamPost } from '../support/raw-http.ts';
import { creditCodeCheckChar } from '../../src/lib/domain/identifiers.ts';

const built = hasBuild(import.meta.url);
const PASSWORD = 'Anxun@2026';
const MB = 1024 * 1024;
const YUBEI_REGULATOR = '13800000003';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function directory(rows: (string | null)[][]): Promise<Blob> {
	const wb = new ExcelJS.Workbook();
	const ws = wb.addWorksheet('企业名录');
	ws.addRow(['统一社会信用代码', '企业名称', '所在区县/乡镇街道', '行业']);
	for (const r of rows) ws.addRow(r);
	return new Blob([new Uint8Array(await wb.xlsx.writeBuffer())], { type: XLSX });
}

function upload(client: Client, file: Blob) {
	const form = new FormData();
	form.set('file', file, '企业名录.xlsx');
	return client.request('/regulator/enterprises/import?/import', { method: 'POST', body: form, headers: { accept: 'application/json', 'x-sveltekit-action': 'true' } });
}

describe.skipIf(!built)('enterprise directory import over HTTP (built server)', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({ ANXUN_WORKER_INTERVAL_MS: '0' });
	});
	afterAll(async () => server?.stop());

	it('only a regulator downloads the template or uploads a directory', async () => {
		const regulator = new Client(server.url);
		await regulator.login(YUBEI_REGULATOR, PASSWORD);
		const template = await regulator.get('/regulator/enterprises/import/template.xlsx');
		expect(template.status).toBe(200);
		expect(template.headers.get('content-type')).toBe(XLSX);
		expect((await template.arrayBuffer()).byteLength).toBeGreaterThan(1000);

		const file = await directory([[`92500112HT0000001${creditCodeCheckChar('92500112HT0000001')}`, '不该写入的企业', '龙溪街道', '机械']]);
		for (const account of ['13800000006', '13800000007', '13800000004']) {
			const other = new Client(server.url);
			await other.login(account, PASSWORD);
			expect((await other.get('/regulator/enterprises/import/template.xlsx')).status, account).toBe(403);
			expect((await other.get('/regulator/enterprises/import')).status, account).toBe(403);
			expect([403, 413], account).toContain((await upload(other, file)).status);
		}
		// without a session: the action answers with a redirect to /login (as JSON for an XHR post)
		const anon = await upload(new Client(server.url), file);
		if (anon.status === 200) expect(JSON.parse(await anon.text())).toMatchObject({ type: 'redirect', location: '/login' });
		else expect([303, 401, 403, 413]).toContain(anon.status);
		const list = await (await regulator.get('/regulator/enterprises')).text();
		expect(list).not.toContain('不该写入的企业');
	});

	it('answers 413 to an upload over 20 MB, and to a 1 MB upload from a non-regulator', async () => {
		const regulator = new Client(server.url);
		await regulator.login(YUBEI_REGULATOR, PASSWORD);
		const multipart = { 'content-type': 'multipart/form-data; boundary=x' };
		const huge = await streamPost(server.url, '/regulator/enterprises/import?/import', { total: 25 * MB, chunked: false, headers: { ...multipart, cookie: regulator.cookie } });
		expect(huge.status).toBe(413);
		expect(huge.body).toContain('请求内容过大');
		const admin = new Client(server.url);
		await admin.login('13800000006', PASSWORD);
		const asAdmin = await streamPost(server.url, '/regulator/enterprises/import?/import', { total: 1 * MB, chunked: false, headers: { ...multipart, cookie: admin.cookie } });
		expect(asAdmin.status).toBe(413);
	});

	it('refuses a bad row with its row and column, then imports the fixed file into the regulator’s list', async () => {
		const regulator = new Client(server.url);
		await regulator.login(YUBEI_REGULATOR, PASSWORD);
		const code = (n: string) => `92500112HT${n}` + creditCodeCheckChar(`92500112HT${n}`);
		const bad = await upload(regulator, await directory([[code('0000002'), 'HTTP名录企业甲', '龙溪街道', '机械'], [code('0000003'), 'HTTP名录企业乙', '凤城街道', '机械']]));
		expect(bad.status).toBe(400);
		const badBody = await bad.text();
		expect(badBody).toContain('第3行“所在区县/乡镇街道”');
		expect(badBody).toContain('不在本辖区内');
		expect(await (await regulator.get('/regulator/enterprises')).text()).not.toContain('HTTP名录企业甲');

		const good = await upload(regulator, await directory([[code('0000002'), 'HTTP名录企业甲', '龙溪街道', '机械'], [code('0000003'), 'HTTP名录企业乙', '回兴街道', '危险化学品']]));
		expect(good.status).toBe(200);
		expect(await good.text()).toContain('created');
		const list = await (await regulator.get('/regulator/enterprises')).text();
		expect(list).toContain('HTTP名录企业甲');
		expect(list).toContain('HTTP名录企业乙');
		// the 长寿区 regulator does not see them
		const changshou = new Client(server.url);
		await changshou.login('13800000010', PASSWORD);
		expect(await (await changshou.get('/regulator/enterprises')).text()).not.toContain('HTTP名录企业甲');
	});
});
