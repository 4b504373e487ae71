// Chromium's fake camera (--use-file-for-fake-video-capture) reads a Y4M file and loops it. These
// files are made from the face samples cut from the model package (src/lib/server/face/samples.ts).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Rgb } from '../../src/lib/server/face/image.ts';

const FPS = 10;

const BAND = 16; // rows above the pictures that carry the file's seed

/**
 * Centres every picture on one canvas size (a Y4M stream has one size), below a band that shows
 * the file's seed as 16 black-or-white blocks. The per-pixel noise alone does not survive the
 * page's JPEG encoding, so two files once gave byte-identical photos of the same frame.
 */
function padded(images: Rgb[], seed: number): { w: number; h: number; frames: Rgb[] } {
	const w = (Math.max(...images.map((i) => i.width)) + 1) & ~1;
	const h = ((Math.max(...images.map((i) => i.height)) + 1) & ~1) + BAND;
	const frames = images.map((img) => {
		const out = new Uint8Array(w * h * 3).fill(40);
		const ox = Math.floor((w - img.width) / 2);
		const oy = BAND + Math.floor((h - BAND - img.height) / 2);
		for (let y = 0; y < BAND; y++) {
			for (let x = 0; x < w; x++) out.fill((seed >> Math.floor((x * 16) / w)) & 1 ? 235 : 20, (y * w + x) * 3, (y * w + x) * 3 + 3);
		}
		for (let y = 0; y < Math.min(h, img.height); y++) {
			for (let x = 0; x < Math.min(w, img.width); x++) out.set(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3), ((y + oy) * w + x + ox) * 3);
		}
		return { width: w, height: h, data: out };
	});
	return { w, h, frames };
}

function i420(img: Rgb, seed: number): Buffer {
	const { width: w, height: h } = img;
	const Y = Buffer.alloc(w * h);
	const U = Buffer.alloc((w / 2) * (h / 2));
	const V = Buffer.alloc((w / 2) * (h / 2));
	let s = seed * 2654435761;
	const noise = () => ((s = (s * 1103515245 + 12345) >>> 0) % 5) - 2; // sensor noise: no two frames alike
	for (let y = 0; y < h; y++) {
		for (let x = 0; x < w; x++) {
			const i = (y * w + x) * 3;
			const [r, g, b] = [img.data[i]!, img.data[i + 1]!, img.data[i + 2]!];
			Y[y * w + x] = Math.max(0, Math.min(255, Math.round(0.257 * r + 0.504 * g + 0.098 * b + 16) + noise()));
			if (y % 2 === 0 && x % 2 === 0) {
				const j = (y / 2) * (w / 2) + x / 2;
				U[j] = Math.max(0, Math.min(255, Math.round(-0.148 * r - 0.291 * g + 0.439 * b + 128)));
				V[j] = Math.max(0, Math.min(255, Math.round(0.439 * r - 0.368 * g - 0.071 * b + 128)));
			}
		}
	}
	return Buffer.concat([Buffer.from('FRAME\n'), Y, U, V]);
}

/**
 * A Y4M file showing each picture for `secondsEach` in turn, looped by Chromium; every frame
 * carries a little noise, different in every file: Chromium restarts the file when a page opens
 * the camera, so two runs on one database would otherwise send the very same bytes (refused as a
 * replay). Several pictures of one person stand for a person who moves.
 */
export function fakeCameraFile(images: Rgb[], secondsEach = 0.5, seed = Math.floor(Math.random() * 65536)): string {
	const { w, h, frames } = padded(images, seed);
	const per = Math.max(1, Math.round(secondsEach * FPS));
	const chunks: Buffer[] = [Buffer.from(`YUV4MPEG2 W${w} H${h} F${FPS}:1 Ip A1:1 C420jpeg\n`)];
	let n = 0;
	for (const f of frames) for (let k = 0; k < per; k++) chunks.push(i420(f, seed + ++n));
	const file = join(mkdtempSync(join(tmpdir(), 'anxun-face-')), 'camera.y4m');
	writeFileSync(file, Buffer.concat(chunks));
	return file;
}

/** Launch options for a Chromium whose camera shows the file, allowed without a prompt. */
export function fakeCameraLaunch(file: string) {
	return {
		executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
		args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-video-capture=${file}`]
	};
}
