import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { attemptFaceImage } from '#lib/server/face/review.query.ts';
import { requireProctoredAttempt } from '../../../../../exam-pages.server.ts';

// The reference photo or the exam snapshot of one face check, for whoever may proctor the attempt
// (the session's examiners, the admins of the institution running it); never the embedding.
export const GET: RequestHandler = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	if (params.which !== 'reference' && params.which !== 'snapshot') error(404, '没有这张照片');
	const db = await getDb();
	const { id } = await requireProctoredAttempt(db, scope, params.id);
	const image = await attemptFaceImage(db, id, requireIdParam(params.checkId, '没有这张照片'), params.which);
	if (!image) error(404, '没有这张照片');
	return new Response(new Uint8Array(image), {
		headers: {
			'content-type': image[0] === 0x89 ? 'image/png' : 'image/jpeg',
			'cache-control': 'private, no-store',
			'x-content-type-options': 'nosniff',
			'content-length': String(image.length)
		}
	});
};
