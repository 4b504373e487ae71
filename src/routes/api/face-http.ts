import { badRequest, decodeBase64, ok } from './exam/http.ts';
import { FaceError } from '#lib/server/face/face-service.ts';
import { FaceBusyError, FaceImageError } from '#lib/server/face/engine.ts';
import { checkFaceImage } from '#lib/server/face/image.ts';

// Shared by the face-check endpoints (study lesson, live class): the photo in the body, and the
// answers for what the face use cases refuse.

/** The photo of a face-check body, decoded and checked; null when the page had no camera; or the 4xx answer. */
export function snapshotOf(data: { image: string } | { camera: 'unavailable' }): { bytes: Uint8Array | null } | { response: Response } {
	if (!('image' in data)) return { bytes: null };
	const bytes = decodeBase64(data.image);
	const problem = checkFaceImage(bytes);
	if (problem) return { response: badRequest(`抓拍照片 image：${problem}`, problem.startsWith('照片过大') ? 413 : 400) };
	return { bytes };
}

/** Runs a face use case: its result as JSON, a busy or timed-out model as 503, a refusal as its 4xx. */
export async function answerFace(run: () => Promise<unknown>): Promise<Response> {
	try {
		return ok(await run());
	} catch (err) {
		if (err instanceof FaceBusyError) return badRequest(err.message, 503);
		if (err instanceof FaceImageError) return badRequest(`抓拍照片 image：${err.message}`);
		if (err instanceof FaceError) return badRequest(err.message, err.status);
		throw err;
	}
}
