// Course authoring and lesson files over HTTP, through the built server (npx vite build first).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Client, startServer, type RunningServer, hasBuild } from '../support/server.ts';

const built = hasBuild(import.meta.url);
const PASSWORD = 'Anxun@2026';

describe.skipIf(!built)('course files over HTTP (built server)', () => {
	let server: RunningServer;
	let admin: Client;
	let courseId: number;
	let lessonId: number;
	let fileId: number;
	// over adapter-node's default 512K body limit, across several 256 KiB chunks
	const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(1_500_000)]);

	beforeAll(async () => {
		server = await startServer({});
		admin = new Client(server.url);
		await admin.login('13800000004', PASSWORD); // 重庆安训安全技术培训中心
	});
	afterAll(async () => server?.stop());

	function locationOf(r: Response): string {
		expect(r.status, r.headers.get('location') ?? '').toBe(303);
		return r.headers.get('location')!;
	}

	it('creates a course, a module and a PDF lesson, and uploads a 1.5 MB file', async () => {
		const created = await admin.post('/institution/courses?/create', { code: `http-${Date.now().toString(36)}`, title: '应急处置卡专题', training_type: 'topic', credit_hours: '0.1' });
		courseId = Number(/\/institution\/courses\/(\d+)\?created=1$/.exec(locationOf(created))![1]);
		const mod = await admin.post(`/institution/courses/${courseId}?/addModule`, { title: '第一章' });
		const moduleId = Number(/#module-(\d+)$/.exec(locationOf(mod))![1]);
		const lesson = await admin.post(`/institution/courses/${courseId}?/addLesson`, { module_id: String(moduleId), title: '应急处置卡', kind: 'pdf', minutes: '5' });
		lessonId = Number(/\/lessons\/(\d+)\?created=1$/.exec(locationOf(lesson))![1]);

		const upload = (name: string, bytes: Uint8Array<ArrayBuffer>) => {
			const form = new FormData();
			form.set('kind', 'pdf');
			form.set('file', new Blob([bytes], { type: 'application/pdf' }), name);
			return admin.request(`/institution/courses/${courseId}/lessons/${lessonId}?/upload`, { method: 'POST', body: form });
		};
		const fake = await upload('伪装.pdf', new TextEncoder().encode('<html><script>alert(1)</script></html>'));
		expect(fake.status).toBe(400);
		expect(await fake.text()).toContain('文件“伪装.pdf”不是 PDF 文档');
		const empty = await upload('空.pdf', new Uint8Array(0));
		expect(empty.status).toBe(400);
		expect(await empty.text()).toContain('文件“空.pdf”是空的');

		expect(locationOf(await upload('处置卡.pdf', new Uint8Array(pdf)))).toBe(`/institution/courses/${courseId}/lessons/${lessonId}?uploaded=1`);
		const page = await (await admin.get(`/institution/courses/${courseId}/lessons/${lessonId}`)).text();
		fileId = Number(/\/files\/(\d+)/.exec(page)![1]);
		expect(page).toContain('处置卡.pdf');
	});

	it('serves the whole file with its headers', async () => {
		const r = await admin.get(`/files/${fileId}`);
		expect(r.status).toBe(200);
		expect(r.headers.get('content-type')).toBe('application/pdf');
		expect(r.headers.get('content-length')).toBe(String(pdf.length));
		expect(r.headers.get('accept-ranges')).toBe('bytes');
		expect(r.headers.get('x-content-type-options')).toBe('nosniff');
		expect(r.headers.get('cache-control')).toMatch(/^private/);
		expect(r.headers.get('content-disposition')).toMatch(/^inline; filename="___\.pdf"; filename\*=UTF-8''%E5%A4%84%E7%BD%AE%E5%8D%A1\.pdf$/);
		expect(r.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/);
		expect(Buffer.from(await r.arrayBuffer()).equals(pdf)).toBe(true);
	});

	it('answers ranges with 206 and the exact bytes, 416 past the end, 304 for a fresh copy', async () => {
		const range = (h: string, extra: Record<string, string> = {}) => admin.request(`/files/${fileId}`, { headers: { range: h, ...extra } });
		const a = 262_140;
		const b = 262_150; // across the first chunk boundary
		const r = await range(`bytes=${a}-${b}`);
		expect(r.status).toBe(206);
		expect(r.headers.get('content-range')).toBe(`bytes ${a}-${b}/${pdf.length}`);
		expect(r.headers.get('content-length')).toBe(String(b - a + 1));
		expect(Buffer.from(await r.arrayBuffer()).equals(pdf.subarray(a, b + 1))).toBe(true);

		const tail = await range('bytes=-100');
		expect(tail.status).toBe(206);
		expect(Buffer.from(await tail.arrayBuffer()).equals(pdf.subarray(pdf.length - 100))).toBe(true);

		const open = await range('bytes=1000000-');
		expect(open.status).toBe(206);
		expect(Buffer.from(await open.arrayBuffer()).equals(pdf.subarray(1_000_000))).toBe(true);

		const past = await range(`bytes=${pdf.length}-`);
		expect(past.status).toBe(416);
		expect(past.headers.get('content-range')).toBe(`bytes */${pdf.length}`);

		const etag = (await admin.request(`/files/${fileId}`, { method: 'HEAD' })).headers.get('etag')!;
		expect((await admin.request(`/files/${fileId}`, { headers: { 'if-none-match': etag } })).status).toBe(304);
	});

	it('lets the owner institution\'s examiner read the file, and nobody else', async () => {
		const examiner = new Client(server.url);
		await examiner.login('13800000005', PASSWORD);
		expect((await examiner.get(`/files/${fileId}`)).status).toBe(200);
		const learner = new Client(server.url);
		await learner.login('13800000007', PASSWORD); // not enrolled in this course
		expect((await learner.get(`/files/${fileId}`)).status).toBe(404);
		expect((await learner.get('/files/abc')).status).toBe(404);
		expect((await admin.get('/files/99999999')).status).toBe(404);
		const anonymous = await new Client(server.url).get(`/files/${fileId}`);
		expect(anonymous.status).toBe(303);
		expect(anonymous.headers.get('location')).toBe('/login');
	});

	it('shows the course pages to the institution admin only, and 404 for unknown ids', async () => {
		for (const path of [`/institution/courses/${courseId}`, `/institution/courses/${courseId}/lessons/${lessonId}`, `/institution/courses/${courseId}/preview`, `/institution/courses/${courseId}/preview/${lessonId}`]) {
			expect((await admin.get(path)).status, path).toBe(200);
		}
		const examiner = new Client(server.url);
		await examiner.login('13800000005', PASSWORD);
		expect((await examiner.get('/institution/courses')).status).toBe(403);
		expect((await examiner.get(`/institution/courses/${courseId}`)).status).toBe(403);
		for (const path of ['/institution/courses/99999999', '/institution/courses/abc', `/institution/courses/${courseId}/lessons/99999999`, `/institution/courses/${courseId}/preview/99999999`]) {
			expect((await admin.get(path)).status, path).toBe(404);
		}
	});

	it('renders lesson text safely and publishes the course', async () => {
		const text = await admin.post(`/institution/courses/${courseId}/lessons/${lessonId}?/save`, {
			title: '应急处置卡',
			kind: 'pdf',
			minutes: '5',
			body_md: '说明 <script>alert(1)</script> [x](javascript:alert(1))'
		});
		locationOf(text);
		const preview = await (await admin.get(`/institution/courses/${courseId}/preview/${lessonId}`)).text();
		expect(preview).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
		expect(preview).not.toContain('href="javascript:');
		expect(locationOf(await admin.post(`/institution/courses/${courseId}?/publish`, {}))).toBe(`/institution/courses/${courseId}?published=1`);
		const again = await admin.post(`/institution/courses/${courseId}?/publish`, {});
		expect(again.status).toBe(400);
		expect(await again.text()).toContain('课程已经发布');
	});
});
