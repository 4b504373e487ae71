import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { getEnrolmentOutline } from '#lib/server/study/my-study.query.ts';
import { idParam } from '#lib/schemas/params.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'learner');
	const enrolmentId = idParam(params.enrolmentId);
	const outline = scope.personId && enrolmentId ? await getEnrolmentOutline(await getDb(), scope.personId, enrolmentId) : undefined;
	if (!outline) error(404, '没有这门课程，或它没有分配给您');
	return outline;
};
