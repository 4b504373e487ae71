import { describe, expect, it } from 'vitest';
import { DEFAULT_FACE_THRESHOLDS as T, faceThresholdsFromEnv, judgeEnrolment, shapeChange, type JudgedFace } from './rules.ts';

// a face-like set of points (an ellipse with a "mouth" row), and a rigidly moved copy
const base = Array.from({ length: 40 }, (_, i) => (i < 30 ? [100 + 60 * Math.cos(i / 4.77), 120 + 80 * Math.sin(i / 4.77)] : [80 + (i - 30) * 4, 170])).flat();
const rigid = (p: number[], angle: number, scale: number, dx: number, dy: number) =>
	p.map((_, k) => {
		const i = k - (k % 2);
		const [x, y] = [p[i]!, p[i + 1]!];
		return k % 2 === 0 ? scale * (x * Math.cos(angle) - y * Math.sin(angle)) + dx : scale * (x * Math.sin(angle) + y * Math.cos(angle)) + dy;
	});
// the "mouth" opens: a non-rigid change
const mouthOpen = base.map((v, k) => (k >= 60 && k % 2 === 1 ? v + ((k - 60) % 4 === 1 ? 12 : -12) : v));
const frame = (landmarks: number[], embedding = [0.1, 0.2, 0.3]): JudgedFace => ({ outcome: 'matched', score: null, real: 0.7, live: 0.9, embedding, landmarks });

describe('enrolment liveness rules', () => {
	it('a picture moved, turned and brought closer keeps its shape; an opening mouth does not', () => {
		expect(shapeChange(base, rigid(base, 0.2, 1.3, 40, -25))).toBeLessThan(0.001);
		expect(shapeChange(base, mouthOpen)).toBeGreaterThan(T.minMotion);
		expect(shapeChange(base, [])).toBe(0);
	});

	it('refuses the same bytes twice and three frames of an unchanging face; accepts a face that moves', () => {
		const still = [frame(base), frame(rigid(base, 0.05, 1.1, 5, 3)), frame(rigid(base, -0.05, 0.9, -4, 2))];
		expect(judgeEnrolment(still, T, ['a', 'b', 'a'])).toEqual({ ok: false, message: expect.stringContaining('完全相同') });
		const r = judgeEnrolment(still, T, ['a', 'b', 'c']);
		expect(r).toMatchObject({ ok: false, message: expect.stringContaining('疑似翻拍') });
		const live = judgeEnrolment([frame(base), frame(mouthOpen), frame(rigid(base, 0.05, 1, 3, 3))], T, ['a', 'b', 'c']);
		expect(live).toMatchObject({ ok: true });
		expect((live as { motion: number }).motion).toBeGreaterThanOrEqual(T.minMotion);
	});

	it('the motion threshold is configuration', () => {
		expect(faceThresholdsFromEnv({ ANXUN_FACE_MIN_MOTION: '0.08' }).minMotion).toBe(0.08);
		expect(faceThresholdsFromEnv({ ANXUN_FACE_MIN_MOTION: 'x' }).minMotion).toBe(T.minMotion);
	});
});
