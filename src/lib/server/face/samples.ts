// Face photos for tests, the benchmark, the demo data and the e2e fake camera, cut at run time
// from a picture shipped inside the @vladmandic/human package (assets/screenshot-facematch.jpg:
// one man in many photos, and other people). Nothing is downloaded. Non-face images are synthetic.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import { encodeJpeg, type Rgb } from './image.ts';
import { modelPaths } from './engine.ts';

let sheet: Rgb | null = null;
function source(): Rgb {
	if (sheet) return sheet;
	const bytes = readFileSync(join(modelPaths().humanDir, 'assets', 'screenshot-facematch.jpg'));
	const img = jpeg.decode(bytes, { useTArray: true, formatAsRGBA: false });
	sheet = { width: img.width, height: img.height, data: img.data };
	return sheet;
}

/** A region scaled up and centred on a plain background. */
function cut(x0: number, y0: number, w: number, h: number, scale = 2, pad = 80, gain = 1): Rgb {
	const src = source();
	const W = Math.round(w * scale) + 2 * pad;
	const H = Math.round(h * scale) + 2 * pad;
	const out = new Uint8Array(W * H * 3).fill(40);
	for (let y = 0; y < Math.round(h * scale); y++) {
		for (let x = 0; x < Math.round(w * scale); x++) {
			const si = ((y0 + Math.floor(y / scale)) * src.width + x0 + Math.floor(x / scale)) * 3;
			const di = ((y + pad) * W + x + pad) * 3;
			for (let c = 0; c < 3; c++) out[di + c] = Math.min(255, Math.round(src.data[si + c]! * gain));
		}
	}
	return { width: W, height: H, data: out };
}

/** Tile of the grid "Extracted Faces": row 0 is the same man (A), row 1 other people. */
export const tileRgb = (row: number, col: number, gain = 1) => tile(row, col, gain);
const tile = (row: number, col: number, gain = 1) => cut(col * 107, 300 + row * 107, 104, 90, 2, 80, gain);

function sideBySide(a: Rgb, b: Rgb): Rgb {
	const W = a.width + b.width;
	const H = Math.max(a.height, b.height);
	const out = new Uint8Array(W * H * 3).fill(40);
	for (let y = 0; y < H; y++) {
		if (y < a.height) out.set(a.data.subarray(y * a.width * 3, (y + 1) * a.width * 3), y * W * 3);
		if (y < b.height) out.set(b.data.subarray(y * b.width * 3, (y + 1) * b.width * 3), (y * W + a.width) * 3);
	}
	return { width: W, height: H, data: out };
}

function gradient(w: number, h: number): Rgb {
	const out = new Uint8Array(w * h * 3);
	for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out.set([(x * 255) / w, (y * 255) / h, 128], (y * w + x) * 3);
	return { width: w, height: h, data: out };
}

export type FaceSample = 'a_reference' | 'a_other' | 'a_third' | 'a_dark' | 'b_person' | 'c_person' | 'two_faces' | 'no_face';

/** Pixels of a sample (for the e2e camera file). */
export function sampleRgb(name: FaceSample): Rgb {
	switch (name) {
		case 'a_reference':
			return cut(0, 25, 170, 165, 1.5);
		case 'a_other':
			return tile(0, 1);
		case 'a_third':
			return tile(0, 3);
		case 'a_dark':
			return tile(0, 1, 0.55);
		case 'b_person':
			return tile(1, 1);
		case 'c_person':
			return tile(1, 6);
		case 'two_faces':
			return sideBySide(tile(0, 2), tile(1, 3));
		case 'no_face':
			return gradient(320, 240);
	}
}

const cache = new Map<FaceSample, Uint8Array>();
/** JPEG bytes of a sample. */
export function sampleJpeg(name: FaceSample): Uint8Array {
	let b = cache.get(name);
	if (!b) cache.set(name, (b = encodeJpeg(sampleRgb(name))));
	return b;
}

/** Bench set: every tile of the first two grid rows (18 distinct photos). */
export function benchImages(): Uint8Array[] {
	const out: Uint8Array[] = [];
	for (let r = 0; r < 2; r++) for (let c = 0; c < 9; c++) out.push(encodeJpeg(tile(r, c)));
	return out;
}
