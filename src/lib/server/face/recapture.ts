// Synthetic "photo of a photo / of a screen" versions of a face picture, and small camera-like
// motion, built from pixels (no downloads, no native image library). Used to measure what the
// antispoof/liveness models and the enrolment liveness rule catch (bench/face-spoof.ts, tests).
// They imitate the traces a re-photographed picture leaves; they are not real replays.
import type { Rgb } from './image.ts';

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

function map(img: Rgb, f: (x: number, y: number, c: number, v: number) => number): Rgb {
	const out = new Uint8Array(img.data.length);
	for (let y = 0; y < img.height; y++) {
		for (let x = 0; x < img.width; x++) {
			const i = (y * img.width + x) * 3;
			for (let c = 0; c < 3; c++) out[i + c] = clamp(f(x, y, c, img.data[i + c]!));
		}
	}
	return { width: img.width, height: img.height, data: out };
}

/** Box blur of radius r (a re-photographed print is out of focus). */
export function blur(img: Rgb, r = 1): Rgb {
	const { width: w, height: h, data } = img;
	return map(img, (x, y, c) => {
		let sum = 0;
		let n = 0;
		for (let dy = -r; dy <= r; dy++) {
			for (let dx = -r; dx <= r; dx++) {
				const xx = Math.min(w - 1, Math.max(0, x + dx));
				const yy = Math.min(h - 1, Math.max(0, y + dy));
				sum += data[(yy * w + xx) * 3 + c]!;
				n++;
			}
		}
		return sum / n;
	});
}

/** A print photographed again: soft focus, lower contrast, paper-white lift and a warm cast. */
export function printRecapture(img: Rgb): Rgb {
	const cast = [1.06, 1.0, 0.88];
	return map(blur(img, 1), (_x, _y, c, v) => (v * 0.78 + 30) * cast[c]!);
}

/** Moiré: a fine interference pattern multiplied over the picture (camera grid vs print/screen grid). */
export function moire(img: Rgb, strength = 0.18): Rgb {
	return map(img, (x, y, _c, v) => v * (1 + strength * Math.sin(2 * Math.PI * (x * 0.23 + y * 0.19)) * Math.sin(2 * Math.PI * (x * 0.031 - y * 0.027))));
}

/** A screen photographed: RGB sub-pixel stripes, dark scan lines, a blue cast and a bright gain. */
export function screenRecapture(img: Rgb): Rgb {
	return map(img, (x, y, c, v) => {
		const stripe = x % 3 === c ? 1.15 : 0.85;
		const scan = y % 3 === 2 ? 0.8 : 1;
		const tint = c === 2 ? 1.12 : c === 1 ? 1.02 : 0.92;
		return (v * 1.08 + 10) * stripe * scan * tint;
	});
}

/** Every transform in the measurement, in order. */
export const RECAPTURES = { print: printRecapture, moire: (i: Rgb) => moire(i), screen: screenRecapture, print_moire: (i: Rgb) => moire(printRecapture(i)) } as const;
export type RecaptureName = keyof typeof RECAPTURES;

/** Camera-like motion between frames: the picture shifted by (dx, dy) pixels and lit by `gain`. */
export function shifted(img: Rgb, dx: number, dy: number, gain = 1): Rgb {
	const { width: w, height: h, data } = img;
	return map(img, (x, y, c) => {
		const xx = Math.min(w - 1, Math.max(0, x - dx));
		const yy = Math.min(h - 1, Math.max(0, y - dy));
		return data[(yy * w + xx) * 3 + c]! * gain;
	});
}

/** The picture brought closer (factor > 1) or moved away, about its centre (nearest neighbour). */
export function zoomed(img: Rgb, factor: number): Rgb {
	const { width: w, height: h, data } = img;
	return map(img, (x, y, c) => {
		const xx = Math.min(w - 1, Math.max(0, Math.round((x - w / 2) / factor + w / 2)));
		const yy = Math.min(h - 1, Math.max(0, Math.round((y - h / 2) / factor + h / 2)));
		return data[(yy * w + xx) * 3 + c]!;
	});
}
