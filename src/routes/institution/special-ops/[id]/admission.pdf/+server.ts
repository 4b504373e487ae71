import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { admissionPdfResponse } from '#lib/server/special-ops/admission-http.ts';

// 准考证 of one 特种作业 application (tenant checked in the query: 404 for anyone else's).
export const GET: RequestHandler = async ({ locals, params }) => {
	const scope = requireApiRole(locals, 'institution_admin', 'examiner');
	return admissionPdfResponse(await getDb(), scope, params.id, now());
};
