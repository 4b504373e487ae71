import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { getFile } from '#lib/server/files/files.repository.ts';
import { streamFileRange } from '#lib/server/files/file-stream.ts';
import { requireExaminedAttempt } from '../../../practical-pages.server.ts';

// The candidate's application photo, for the examiner who checks identity at the door.
export const GET: RequestHandler = async ({ locals, params }) => {
	const scope = requireRole(locals, 'examiner', 'institution_admin');
	const db = await getDb();
	const { attempt } = await requireExaminedAttempt(db, scope, params.id);
	if (attempt.photoFileId === null) error(404, '该考生没有证件照');
	const file = await getFile(db, attempt.photoFileId);
	if (!file || !/^image\/(jpeg|png)$/.test(file.mime)) error(404, '该考生没有证件照');
	return new Response(file.sizeBytes ? streamFileRange(db, file.id, 0, file.sizeBytes - 1) : new Uint8Array(), {
		headers: { 'content-type': file.mime, 'cache-control': 'private, no-store', 'x-content-type-options': 'nosniff', 'content-length': String(file.sizeBytes) }
	});
};
