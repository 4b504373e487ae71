import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDb } from '#lib/server/runtime.ts';
import { findVerifiedPhoto } from '#lib/server/certificates/verify.ts';

// Public, but only with the certificate's signed URL (?n=<number>&s=<Ed25519 signature>, the QR code's):
// the holder's photo, whose hash the signature covers.
export const GET: RequestHandler = async ({ url }) => {
	const photo = await findVerifiedPhoto(await getDb(), (url.searchParams.get('n') ?? '').slice(0, 64), (url.searchParams.get('s') ?? '').slice(0, 200));
	if (!photo) error(404, '照片不存在或核验链接不正确');
	return new Response(new Uint8Array(photo.bytes), { headers: { 'content-type': photo.mime, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff' } });
};
