import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { addEvidence, EVIDENCE_MAX_BYTES } from '#lib/server/special-ops/practical-service.ts';
import { badRequest, ok } from '../../../exam/http.ts';

/** A photo or short clip of the practical exam, posted as multipart form data with upload progress. */
export const POST: RequestHandler = async ({ locals, params, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'examiner', 'institution_admin');
	const attemptId = idParam(params.attemptId);
	if (!attemptId) return badRequest('没有这场实操考试记录', 404);
	if (Number(request.headers.get('content-length') ?? 0) > EVIDENCE_MAX_BYTES + 64 * 1024) return badRequest('文件超过上限 50 MB', 413);
	let form: FormData;
	try {
		form = await request.formData();
	} catch {
		return badRequest('请以表单方式上传文件');
	}
	const file = form.get('file');
	if (!(file instanceof File)) return badRequest('请选择要上传的照片或视频');
	const item = String(form.get('item_code') ?? '').trim();
	const itemCode = /^[A-Z0-9]{1,10}$/.test(item) ? item : null;
	const r = await addEvidence(await getDb(), actorOf(scope, { getClientAddress }), attemptId, { name: file.name, size: file.size, data: file, itemCode }, now());
	return r.ok ? ok(r, 201) : badRequest(r.message, r.status);
};
