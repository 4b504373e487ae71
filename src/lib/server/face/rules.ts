// Face-check rules: pure, no model, no clock. What a photo's analysis means for a person with a
// reference embedding, by thresholds that are configuration (env, documented in README).
import type { FaceAnalysis } from './engine.ts';

export type FaceThresholds = {
	/** similarity (0..1) at or above which a face is the reference person */
	match: number;
	/** antispoof "real" score below which a photo of a photo or a screen is suspected */
	minReal: number;
	/** liveness score below which a spoof is suspected */
	minLive: number;
	/** detection confidence below which a face is not counted */
	minScore: number;
	/** enrolment liveness: the face's shape must change between frames by at least this (Procrustes distance of the landmarks) */
	minMotion: number;
};

// measured (docs/FACE.md, npm run bench:face-spoof): one still picture re-encoded, moved, brought
// closer or re-printed changes shape by 0.009–0.049 (landmark jitter); different photos of the same
// man by 0.028–0.27 (median 0.07). 0.05 refuses every still variant measured.
const MIN_MOTION_DEFAULT = 0.05;

export const DEFAULT_FACE_THRESHOLDS: FaceThresholds = { match: 0.55, minReal: 0.3, minLive: 0.5, minScore: 0.6, minMotion: MIN_MOTION_DEFAULT };

export function faceThresholdsFromEnv(env: Record<string, string | undefined>): FaceThresholds {
	const unit = (name: string, fallback: number) => {
		const v = Number(env[name]);
		return env[name] !== undefined && Number.isFinite(v) && v >= 0 && v <= 1 ? v : fallback;
	};
	const d = DEFAULT_FACE_THRESHOLDS;
	return {
		match: unit('ANXUN_FACE_MATCH', d.match),
		minReal: unit('ANXUN_FACE_MIN_REAL', d.minReal),
		minLive: unit('ANXUN_FACE_MIN_LIVE', d.minLive),
		minScore: unit('ANXUN_FACE_MIN_SCORE', d.minScore),
		minMotion: unit('ANXUN_FACE_MIN_MOTION', d.minMotion)
	};
}

export type FaceOutcome = 'matched' | 'no_face' | 'several_faces' | 'different_person' | 'spoof' | 'camera_unavailable';

export const OUTCOME_LABELS: Record<FaceOutcome, string> = {
	matched: '本人（比对通过）',
	no_face: '未检测到人脸',
	several_faces: '检测到多张人脸',
	different_person: '与登记照片不一致',
	spoof: '疑似翻拍照片或屏幕',
	camera_unavailable: '摄像头不可用'
};

/** face_checks.outcome read back from the database (the CHECK constraint allows only the outcomes). */
export function faceOutcome(value: string): FaceOutcome {
	if (Object.hasOwn(OUTCOME_LABELS, value)) return value as FaceOutcome;
	throw new Error(`未知的人脸核验结果 face_checks.outcome：${value}`);
}

/**
 * Similarity of two face embeddings, 0..1: the Euclidean distance normalised as the model's
 * own library does (order 2, multiplier 25, range 0.2–0.8), so thresholds carry over.
 */
export function similarity(a: readonly number[], b: readonly number[]): number {
	if (a.length === 0 || a.length !== b.length) return 0;
	let sum = 0;
	for (let i = 0; i < a.length; i++) {
		const d = a[i]! - b[i]!;
		sum += d * d;
	}
	const dist = Math.round(100 * 25 * sum) / 100;
	if (dist === 0) return 1;
	const norm = (1 - Math.sqrt(dist) / 100 - 0.2) / (0.8 - 0.2);
	return Math.round(100 * Math.max(Math.min(norm, 1), 0)) / 100;
}

export type FaceVerdict = { outcome: FaceOutcome; score: number | null; real: number | null; live: number | null };
export type JudgedFace = FaceVerdict & { embedding: number[] | null; landmarks?: number[] };

/**
 * How much a face's shape changed between two frames, 0 (same shape) .. 1: the full Procrustes
 * distance of the two landmark sets (x0, y0, x1, y1, …) after removing translation, scale and
 * in-plane rotation. A photo held up to the camera and moved, or the same picture sent again,
 * keeps its shape (≈0); a live head that turns, blinks or speaks does not.
 */
export function shapeChange(a: readonly number[], b: readonly number[]): number {
	const n = a.length / 2;
	if (n < 3 || a.length !== b.length) return 0;
	const centred = (p: readonly number[]) => {
		let cx = 0;
		let cy = 0;
		for (let i = 0; i < n; i++) {
			cx += p[2 * i]!;
			cy += p[2 * i + 1]!;
		}
		cx /= n;
		cy /= n;
		const out = new Float64Array(2 * n);
		let norm = 0;
		for (let i = 0; i < n; i++) {
			out[2 * i] = p[2 * i]! - cx;
			out[2 * i + 1] = p[2 * i + 1]! - cy;
			norm += out[2 * i]! ** 2 + out[2 * i + 1]! ** 2;
		}
		norm = Math.sqrt(norm) || 1;
		for (let i = 0; i < 2 * n; i++) out[i]! /= norm;
		return out;
	};
	const p = centred(a);
	const q = centred(b);
	// |<p, q>| with points as complex numbers: the best rotation's alignment
	let re = 0;
	let im = 0;
	for (let i = 0; i < n; i++) {
		const [x1, y1, x2, y2] = [p[2 * i]!, p[2 * i + 1]!, q[2 * i]!, q[2 * i + 1]!];
		re += x1 * x2 + y1 * y2;
		im += x1 * y2 - y1 * x2;
	}
	return Math.round(10000 * Math.sqrt(Math.max(0, 1 - (re * re + im * im)))) / 10000;
}

/** The verdict on one photo against a reference embedding (null: enrolment, no comparison). */
export function judgeFace(analysis: FaceAnalysis, reference: readonly number[] | null, t: FaceThresholds): JudgedFace {
	const faces = analysis.faces.filter((f) => f.score >= t.minScore && f.embedding.length > 0);
	if (faces.length === 0) return { outcome: 'no_face', score: null, real: null, live: null, embedding: null };
	if (faces.length > 1) return { outcome: 'several_faces', score: null, real: null, live: null, embedding: null };
	const f = faces[0]!;
	const real = Math.round(f.real * 100) / 100;
	const live = Math.round(f.live * 100) / 100;
	if (f.real < t.minReal || f.live < t.minLive) return { outcome: 'spoof', score: null, real, live, embedding: f.embedding };
	if (!reference) return { outcome: 'matched', score: null, real, live, embedding: f.embedding, landmarks: f.landmarks };
	const score = similarity(f.embedding, reference);
	return { outcome: score >= t.match ? 'matched' : 'different_person', score, real, live, embedding: f.embedding };
}

/**
 * Enrolment liveness across three frames: each one live face, all three the same person, not the
 * same bytes twice, and the face's shape changing between frames (a live head turning or
 * blinking, not a still picture moved in front of the camera). `digests` are the frames' hashes.
 */
export function judgeEnrolment(
	verdicts: readonly JudgedFace[],
	t: FaceThresholds,
	digests: readonly string[] = []
): { ok: true; embedding: number[]; motion: number } | { ok: false; message: string; motion?: number } {
	if (verdicts.length !== 3) return { ok: false, message: '需要连续拍摄 3 张照片' };
	if (new Set(digests).size < digests.length) return { ok: false, message: '3 张照片中有完全相同的照片：请重新拍摄' };
	for (const [i, v] of verdicts.entries()) {
		if (v.outcome !== 'matched' || !v.embedding) return { ok: false, message: `第 ${i + 1} 张：${OUTCOME_LABELS[v.outcome]}` };
	}
	const e = verdicts.map((v) => v.embedding!);
	for (let i = 0; i < 3; i++) {
		for (let j = i + 1; j < 3; j++) {
			if (similarity(e[i]!, e[j]!) < t.match) return { ok: false, message: `第 ${i + 1} 张与第 ${j + 1} 张不是同一人` };
		}
	}
	const marks = verdicts.map((v) => v.landmarks ?? []);
	const motion = Math.max(shapeChange(marks[0]!, marks[1]!), shapeChange(marks[1]!, marks[2]!), shapeChange(marks[0]!, marks[2]!));
	if (motion < t.minMotion) return { ok: false, message: '3 张照片中的面部没有变化，疑似翻拍照片或屏幕：请本人按提示转头、眨眼后重新拍摄', motion };
	// the mean embedding is the reference
	const mean = e[0]!.map((_, k) => (e[0]![k]! + e[1]![k]! + e[2]![k]!) / 3);
	return { ok: true, embedding: mean, motion };
}
