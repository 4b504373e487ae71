import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { loadCatalogueCourse } from '#lib/server/study/catalogue-page.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'learner');
	const detail = await loadCatalogueCourse(await getDb(), requireIdParam(params.courseId, '没有这门课程'), scope.orgId);
	if (!detail) error(404, '没有这门课程（或已下架）');
	return { detail, base: '/learner/catalogue' };
};
