import { describe, expect, it } from 'vitest';
import { checkUpload, cleanFileName, sniffMime, validateUpload } from './upload.ts';

const bytes = (...parts: (string | number[])[]) => new Uint8Array(parts.flatMap((p) => (typeof p === 'string' ? [...p].map((c) => c.charCodeAt(0)) : p)));
const PDF = bytes('%PDF-1.4\n%');
const WEBM = bytes([0x1a, 0x45, 0xdf, 0xa3, 0x9f, 0x42, 0x86, 0x81]);
const MP4 = bytes([0, 0, 0, 0x20], 'ftypisom', [0, 0, 2, 0]);

describe('sniffMime', () => {
	it('knows PDF, WebM and MP4 by their first bytes', () => {
		expect(sniffMime(PDF)).toBe('application/pdf');
		expect(sniffMime(WEBM)).toBe('video/webm');
		expect(sniffMime(MP4)).toBe('video/mp4');
		expect(sniffMime(bytes('PK\u0003\u0004'))).toBeNull();
		expect(sniffMime(new Uint8Array(0))).toBeNull();
	});
});

describe('checkUpload', () => {
	it('accepts a PDF and MP4/WebM videos, taking the type from the content', () => {
		expect(checkUpload('pdf', { name: '应急处置卡.pdf', type: 'application/pdf', size: 1000, head: PDF })).toEqual({ ok: true, mime: 'application/pdf', name: '应急处置卡.pdf' });
		expect(checkUpload('video', { name: 'a.webm', type: '', size: 1000, head: WEBM })).toMatchObject({ ok: true, mime: 'video/webm' });
		expect(checkUpload('video', { name: 'a.mp4', type: 'video/mp4', size: 1000, head: MP4 })).toMatchObject({ ok: true, mime: 'video/mp4' });
	});

	it('refuses empty files, naming the file', () => {
		expect(checkUpload('pdf', { name: '空.pdf', type: 'application/pdf', size: 0, head: new Uint8Array(0) })).toEqual({ ok: false, message: '文件“空.pdf”是空的，请重新选择' });
	});

	it('refuses a file whose content is not what its name or declared type says', () => {
		const fake = checkUpload('pdf', { name: '伪装.pdf', type: 'application/pdf', size: 10, head: bytes('<html>') });
		expect(fake).toEqual({ ok: false, message: '文件“伪装.pdf”不是 PDF 文档（内容应以 %PDF- 开头），请重新选择' });
		const wrongKind = checkUpload('video', { name: 'x.pdf', type: 'application/pdf', size: 10, head: PDF });
		expect(wrongKind.ok).toBe(false);
		if (!wrongKind.ok) expect(wrongKind.message).toContain('“x.pdf”不是 MP4 或 WebM 视频');
		// the right bytes but a declared type we do not serve
		expect(checkUpload('video', { name: 'a.mov', type: 'video/quicktime', size: 10, head: MP4 }).ok).toBe(false);
	});

	it('refuses files over the limit of their kind', () => {
		const r = checkUpload('pdf', { name: '大.pdf', type: 'application/pdf', size: 31 * 1024 * 1024, head: PDF });
		expect(r).toEqual({ ok: false, message: '文件“大.pdf”有 31 MB，超过上限 30 MB（PDF 文档）' });
		expect(checkUpload('video', { name: 'v.mp4', type: 'video/mp4', size: 200 * 1024 * 1024, head: MP4 }).ok).toBe(true);
		expect(checkUpload('video', { name: 'v.mp4', type: 'video/mp4', size: 200 * 1024 * 1024 + 1, head: MP4 }).ok).toBe(false);
	});
});

describe('cleanFileName', () => {
	it('drops paths and control characters and keeps at most 200 characters', () => {
		expect(cleanFileName('C:\\Users\\x\\课件.pdf')).toBe('课件.pdf');
		expect(cleanFileName('../../etc/passwd')).toBe('passwd');
		expect(cleanFileName('a\u0000b\nc.pdf')).toBe('abc.pdf');
		expect(cleanFileName('   ')).toBe('未命名文件');
		expect([...cleanFileName('字'.repeat(300))]).toHaveLength(200);
	});
});

describe('validateUpload', () => {
	it('reads the first bytes of a posted File', async () => {
		const ok = await validateUpload('pdf', new File([PDF, new Uint8Array(100)], 'a.pdf', { type: 'application/pdf' }));
		expect(ok).toMatchObject({ ok: true, upload: { kind: 'pdf', mime: 'application/pdf', name: 'a.pdf', size: 110 } });
		const bad = await validateUpload('video', new File([bytes('hello')], '视频.mp4', { type: 'video/mp4' }));
		expect(bad).toEqual({ ok: false, message: '文件“视频.mp4”不是 MP4 或 WebM 视频，请重新选择' });
	});
});
