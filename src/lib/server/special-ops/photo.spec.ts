import { describe, expect, it } from 'vitest';
import { checkDocumentImage, checkPhoto, sniffImage } from './photo.ts';
import { drawPhoto } from '../../../../tests/support/special-ops-factories-h1.ts';

describe('证件照 checks', () => {
	it('accepts a 5:7 PNG and JPEG on a white or light blue background', () => {
		expect(checkPhoto(drawPhoto())).toMatchObject({ ok: true, mime: 'image/png', width: 413, height: 578 });
		expect(checkPhoto(drawPhoto({ format: 'jpeg', width: 295, height: 413 }))).toMatchObject({ ok: true, mime: 'image/jpeg' });
		expect(checkPhoto(drawPhoto({ background: [200, 225, 250] })).ok).toBe(true);
	});
	it('refuses what is not an image, by its bytes', () => {
		const pdf = new TextEncoder().encode('%PDF-1.4 not a photo');
		expect(sniffImage(pdf)).toBeNull();
		expect(checkPhoto(pdf)).toEqual({ ok: false, message: '证件照不是 JPEG 或 PNG 图片，请重新选择' });
		expect(checkPhoto(new Uint8Array(0))).toMatchObject({ ok: false, message: '证件照是空文件，请重新选择' });
	});
	it('refuses a truncated image', () => {
		const png = drawPhoto();
		expect(checkPhoto(png.subarray(0, 200))).toMatchObject({ ok: false });
	});
	it('refuses a photo over 2 MB before decoding it', () => {
		const big = new Uint8Array(20 * 1024 * 1024);
		big.set([0xff, 0xd8, 0xff]);
		expect(checkPhoto(big)).toEqual({ ok: false, message: '证件照有 20 MB，超过上限 2 MB' });
	});
	it('refuses one smaller than 295×413', () => {
		const r = checkPhoto(drawPhoto({ width: 250, height: 350 }));
		expect(r).toEqual({ ok: false, message: '证件照尺寸 250×350 像素，小于最低要求 295×413 像素' });
	});
	it('refuses an aspect other than 5:7 beyond the tolerance, and accepts within it', () => {
		const square = checkPhoto(drawPhoto({ width: 500, height: 500 }));
		expect(square.ok).toBe(false);
		expect(!square.ok && square.message).toContain('应为 5:7');
		expect(checkPhoto(drawPhoto({ width: 420, height: 578 })).ok).toBe(true);
	});
	it('refuses a busy or dark background, with the measured figures', () => {
		const busy = checkPhoto(drawPhoto({ noisyBackground: true }));
		expect(busy.ok).toBe(false);
		expect(!busy.ok && busy.message).toMatch(/背景不是纯净的浅色（边缘浅色像素占 \d+%/);
		expect(checkPhoto(drawPhoto({ background: [60, 60, 60] })).ok).toBe(false);
	});
	it('checks 身份证 images and evidence (PDF allowed only for evidence)', () => {
		const pdf = new TextEncoder().encode('%PDF-1.4 evidence');
		expect(checkDocumentImage(pdf, '身份证人像面')).toMatchObject({ ok: false, message: '身份证人像面不是 JPEG 或 PNG 图片，请重新选择' });
		expect(checkDocumentImage(pdf, '免培训证明材料', true)).toEqual({ ok: true, mime: 'application/pdf' });
		expect(checkDocumentImage(drawPhoto({ width: 320, height: 200 }), '身份证人像面')).toEqual({ ok: true, mime: 'image/png' });
	});
});
