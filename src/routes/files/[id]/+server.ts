import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { ROLES } from '#lib/domain/labels.ts';
import { getDb } from '#lib/server/runtime.ts';
import { idSchema } from '#lib/schemas/course.ts';
import { canReadFile } from '#lib/server/files/access.ts';
import { getFile } from '#lib/server/files/files.repository.ts';
import { planRange } from '#lib/server/files/range.ts';
import { streamFileRange } from '#lib/server/files/file-stream.ts';

function contentDisposition(name: string): string {
	const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
	return `inline; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

// Lesson videos and PDFs. Video players ask for ranges (seeking); every request checks access.
export const GET: RequestHandler = async ({ locals, params, request }) => {
	const scope = requireRole(locals, ...ROLES);
	const id = idSchema.safeParse(params.id);
	const db = await getDb();
	if (!id.success || !(await canReadFile(db, scope, id.data))) error(404, '没有这个文件');
	const file = await getFile(db, id.data);
	if (!file) error(404, '没有这个文件');

	const etag = `"${file.sha256}"`;
	const headers = new Headers({
		'accept-ranges': 'bytes',
		etag,
		// revalidated every time: access may have ended (withdrawn enrolment, another user on this device)
		'cache-control': 'private, no-cache',
		'x-content-type-options': 'nosniff',
		// The PDF viewer embeds this in our own pages. frame-ancestors overrides the site-wide
		// X-Frame-Options: DENY in browsers that implement CSP 2.
		'content-security-policy': "frame-ancestors 'self'"
	});
	const plan = planRange(file.sizeBytes, etag, {
		range: request.headers.get('range'),
		ifRange: request.headers.get('if-range'),
		ifNoneMatch: request.headers.get('if-none-match')
	});
	if (plan.status === 304) return new Response(null, { status: 304, headers });
	if (plan.status === 416) {
		headers.set('content-range', plan.contentRange);
		return new Response(null, { status: 416, headers });
	}
	headers.set('content-type', file.mime);
	headers.set('content-disposition', contentDisposition(file.name));
	headers.set('content-length', String(plan.length));
	if (plan.status === 206) headers.set('content-range', plan.contentRange);
	const body = plan.length > 0 ? streamFileRange(db, file.id, plan.start, plan.end) : null;
	return new Response(body, { status: plan.status, headers });
};
