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
};

export const DEFAULT_FACE_THRESHOLDS: FaceThresholds = { match: 0.55, minReal: 0.3, minLive: 0.5, minScore: 0.6 };

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
		minScore: unit('ANXUN_FACE_MIN_SCORE', d.minScore)
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

/** The verdict on one photo against a reference embedding (null: enrolment, no comparison). */
export function judgeFace(analysis: FaceAnalysis, reference: readonly number[] | null, t: FaceThresholds): FaceVerdict & { embedding: number[] | null } {
	const faces = analysis.faces.filter((f) => f.score >= t.minScore && f.embedding.length > 0);
	if (faces.length === 0) return { outcome: 'no_face', score: null, real: null, live: null, embedding: null };
	if (faces.length > 1) return { outcome: 'several_faces', score: null, real: null, live: null, embedding: null };
	const f = faces[0]!;
	const real = Math.round(f.real * 100) / 100;
	const live = Math.round(f.live * 100) / 100;
	if (f.real < t.minReal || f.live < t.minLive) return { outcome: 'spoof', score: null, real, live, embedding: f.embedding };
	if (!reference) return { outcome: 'matched', score: null, real, live, embedding: f.embedding };
	const score = similarity(f.embedding, reference);
	return { outcome: score >= t.match ? 'matched' : 'different_person', score, real, live, embedding: f.embedding };
}

/** Enrolment: three frames, each one live face, all three the same person. */
export function judgeEnrolment(verdicts: readonly (FaceVerdict & { embedding: number[] | null })[], t: FaceThresholds): { ok: true; embedding: number[] } | { ok: false; message: string } {
	if (verdicts.length !== 3) return { ok: false, message: '需要连续拍摄 3 张照片' };
	for (const [i, v] of verdicts.entries()) {
		if (v.outcome !== 'matched' || !v.embedding) return { ok: false, message: `第 ${i + 1} 张：${OUTCOME_LABELS[v.outcome]}` };
	}
	const e = verdicts.map((v) => v.embedding!);
	for (let i = 0; i < 3; i++) {
		for (let j = i + 1; j < 3; j++) {
			if (similarity(e[i]!, e[j]!) < t.match) return { ok: false, message: `第 ${i + 1} 张与第 ${j + 1} 张不是同一人` };
		}
	}
	// the mean embedding is the reference
	const mean = e[0]!.map((_, k) => (e[0]![k]! + e[1]![k]! + e[2]![k]!) / 3);
	return { ok: true, embedding: mean };
}
