import { faceThresholdsFromEnv, type FaceThresholds } from './rules.ts';

let cached: FaceThresholds | null = null;
/** Thresholds from ANXUN_FACE_* (README: 人脸核验), read once per process. */
export function faceThresholds(): FaceThresholds {
	cached ??= faceThresholdsFromEnv(process.env);
	return cached;
}
