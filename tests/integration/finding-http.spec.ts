// The findings forms over HTTP (built server, demo data): hostile or foreign input gets a 4xx
// with a Chinese message, never a 500.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';

const PASSWORD = 'Anxun@2026';
const built = hasBuild(import.meta.url);

describe.skipIf(!built)('findings forms over HTTP (built server)', () => {
	let server: RunningServer;
	beforeAll(async () => {
		server = await startServer({});
	}, 120_000);
	afterAll(async () => server?.stop());

	const as = async (account: string) => {
		const c = new Client(server.url);
		await c.login(account, PASSWORD);
		return c;
	};

	it('refuses bad decisions with 400 and a Chinese message, foreign or forged keys with 404', async () => {
		const yubei = await as('13800000003');
		const post = (form: Record<string, string>) => yubei.post('/regulator/findings?/decide', form);
		const bad: Record<string, string>[] = [
			{ status: 'bogus', key: 'study_pace:person:1' },
			{ status: 'handled' },
			{ status: 'handled', key: 'a', group: 'b' },
			{ status: 'dismissed', key: 'study_pace:person:1', note: '原因\u0000' },
			{ status: 'supervised', key: 'study_pace:person:1', note: '要求', due_on: '2026-02-30' },
			{ status: 'handled', key: 'x'.repeat(301) }
		];
		for (const form of bad) {
			const r = await post(form);
			expect(r.status, JSON.stringify(form)).toBe(400);
			expect(await r.text(), JSON.stringify(form)).toMatch(/[\u4e00-\u9fa5]/);
		}
		for (const key of ['study_pace:person:999999', 'nonsense', 'exam_flags:attempt:-1']) {
			const r = await post({ status: 'handled', key });
			expect(r.status, key).toBe(404);
		}
		const multipart = await yubei.request('/regulator/findings?/decide', {
			method: 'POST',
			headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
			body: '--zzz\r\nContent-Disposition: form-data; name="status"\r\n\r\nhand'
		});
		expect(multipart.status).toBeLessThan(500);
		expect(multipart.status).toBeGreaterThanOrEqual(400);
	});

	it('should not let another role decide or an enterprise answer a 督办 that is not its own', async () => {
		const enterprise = await as('13800000006');
		expect((await enterprise.post('/regulator/findings?/decide', { status: 'handled', key: 'study_pace:person:1' })).status).toBe(403);
		expect((await enterprise.post('/enterprise/supervision?/reply', { key: 'study_pace:person:1', reply: '已整改' })).status).toBe(404);
		expect((await enterprise.post('/enterprise/supervision?/reply', { key: 'study_pace:person:1', reply: '\u0007' })).status).toBe(400);
		const learner = await as('13800000007');
		expect((await learner.post('/enterprise/supervision?/reply', { key: 'study_pace:person:1', reply: '已整改' })).status).toBe(403);
	});
});
