import jpeg from 'jpeg-js';
import { PNG } from 'pngjs';
import { formatMegabytes } from '../files/upload.ts';

// The checks a 证件照 and the other application images must pass. The type comes from the first
// bytes, never from the name; the photo is decoded (pure JS: jpeg-js, pngjs) to measure its size,
// its aspect and its background on the border pixels.

export const PHOTO_MAX_BYTES = 2 * 1024 * 1024;
/** 295×413 px: a 1-inch (25×35 mm) photo at 300 dpi. */
export const PHOTO_MIN = { width: 295, height: 413 };
/** The certificate frame is 5:7; a cropped photo is within 2.5 % of it. */
export const PHOTO_ASPECT = 5 / 7;
export const PHOTO_ASPECT_TOLERANCE = 0.025;
/** Other images (身份证 front/back, exemption evidence): any size up to this. */
export const IMAGE_MAX_BYTES = 5 * 1024 * 1024;
/** Refuse decoding anything larger than this many megapixels (a 2 MB JPEG can claim a huge frame). */
const MAX_MEGAPIXELS = 40;

/**
 * Background: the outer band of the top, left and right edges (the bottom holds the shoulders).
 * A pixel is "light and plain" when its luma ≥ 170 and its channels spread ≤ 70 (white, light grey,
 * light blue); at least 85 % of band pixels must be, and the band's luma must not vary much.
 */
export const BACKGROUND = { band: 0.06, minLuma: 170, maxSpread: 70, minShare: 0.85, maxLumaStdDev: 28 };

export type ImageMime = 'image/jpeg' | 'image/png';

export function sniffImage(head: Uint8Array): ImageMime | null {
	if (head[0] === 0xff && head[1] === 0xd8 && head[2] === 0xff) return 'image/jpeg';
	const png = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
	if (png.every((b, i) => head[i] === b)) return 'image/png';
	return null;
}

export type Decoded = { width: number; height: number; data: Uint8Array };

function decode(mime: ImageMime, bytes: Uint8Array): Decoded | null {
	try {
		if (mime === 'image/jpeg') {
			const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: MAX_MEGAPIXELS, maxMemoryUsageInMB: 256 });
			return { width: img.width, height: img.height, data: img.data };
		}
		const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
		if (png.width * png.height > MAX_MEGAPIXELS * 1_000_000) return null;
		return { width: png.width, height: png.height, data: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) };
	} catch {
		return null;
	}
}

export type BackgroundMeasure = { share: number; meanLuma: number; lumaStdDev: number };

/** Measures the border band of an RGBA image. */
export function measureBackground(img: Decoded): BackgroundMeasure {
	const band = Math.max(2, Math.round(Math.min(img.width, img.height) * BACKGROUND.band));
	let n = 0;
	let light = 0;
	let sum = 0;
	let sumSq = 0;
	const visit = (x: number, y: number) => {
		const i = (y * img.width + x) * 4;
		const r = img.data[i]!;
		const g = img.data[i + 1]!;
		const b = img.data[i + 2]!;
		const luma = 0.299 * r + 0.587 * g + 0.114 * b;
		n++;
		sum += luma;
		sumSq += luma * luma;
		if (luma >= BACKGROUND.minLuma && Math.max(r, g, b) - Math.min(r, g, b) <= BACKGROUND.maxSpread) light++;
	};
	for (let y = 0; y < img.height; y++) {
		for (let x = 0; x < img.width; x++) {
			if (y < band || x < band || x >= img.width - band) visit(x, y);
		}
	}
	const mean = sum / n;
	return { share: light / n, meanLuma: mean, lumaStdDev: Math.sqrt(Math.max(0, sumSq / n - mean * mean)) };
}

export type ImageCheck = { ok: true; mime: ImageMime; width: number; height: number } | { ok: false; message: string };

/** 证件照: JPEG/PNG, ≤ 2 MB, ≥ 295×413 px, 5:7 within tolerance, plain light background. */
export function checkPhoto(bytes: Uint8Array, label = '证件照'): ImageCheck {
	if (bytes.byteLength === 0) return { ok: false, message: `${label}是空文件，请重新选择` };
	if (bytes.byteLength > PHOTO_MAX_BYTES) return { ok: false, message: `${label}有 ${formatMegabytes(bytes.byteLength)}，超过上限 2 MB` };
	const mime = sniffImage(bytes.subarray(0, 8));
	if (!mime) return { ok: false, message: `${label}不是 JPEG 或 PNG 图片，请重新选择` };
	const img = decode(mime, bytes);
	if (!img) return { ok: false, message: `${label}无法读取（文件损坏或尺寸过大），请重新导出后上传` };
	if (img.width < PHOTO_MIN.width || img.height < PHOTO_MIN.height) {
		return { ok: false, message: `${label}尺寸 ${img.width}×${img.height} 像素，小于最低要求 ${PHOTO_MIN.width}×${PHOTO_MIN.height} 像素` };
	}
	const aspect = img.width / img.height;
	if (Math.abs(aspect - PHOTO_ASPECT) / PHOTO_ASPECT > PHOTO_ASPECT_TOLERANCE) {
		return { ok: false, message: `${label}宽高比 ${aspect.toFixed(3)}，应为 5:7（约 0.714），请用页面上的裁剪框裁剪后上传` };
	}
	const bg = measureBackground(img);
	if (bg.share < BACKGROUND.minShare || bg.lumaStdDev > BACKGROUND.maxLumaStdDev) {
		return {
			ok: false,
			message: `${label}背景不是纯净的浅色（边缘浅色像素占 ${Math.round(bg.share * 100)}%，要求不少于 ${Math.round(BACKGROUND.minShare * 100)}%；亮度波动 ${bg.lumaStdDev.toFixed(0)}，要求不超过 ${BACKGROUND.maxLumaStdDev}），请在白色或浅色墙前重新拍摄`
		};
	}
	return { ok: true, mime, width: img.width, height: img.height };
}

/** 身份证 images and evidence: JPEG/PNG (evidence may also be PDF), ≤ 5 MB, readable. */
export function checkDocumentImage(bytes: Uint8Array, label: string, allowPdf = false): { ok: true; mime: string } | { ok: false; message: string } {
	if (bytes.byteLength === 0) return { ok: false, message: `${label}是空文件，请重新选择` };
	if (bytes.byteLength > IMAGE_MAX_BYTES) return { ok: false, message: `${label}有 ${formatMegabytes(bytes.byteLength)}，超过上限 5 MB` };
	const head = bytes.subarray(0, 8);
	if (allowPdf && String.fromCharCode(...head.subarray(0, 5)) === '%PDF-') return { ok: true, mime: 'application/pdf' };
	const mime = sniffImage(head);
	if (!mime) return { ok: false, message: `${label}不是 JPEG 或 PNG 图片${allowPdf ? '（或 PDF）' : ''}，请重新选择` };
	if (!decode(mime, bytes)) return { ok: false, message: `${label}无法读取（文件损坏或尺寸过大）` };
	return { ok: true, mime };
}
