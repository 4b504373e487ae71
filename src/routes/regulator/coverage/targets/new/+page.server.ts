import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { createTarget } from '#lib/server/coverage/targets.repository.ts';
import { targetFormToInput } from '#lib/server/coverage/target-form.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'regulator');
	const db = await getDb();
	return {
		regions: await db.selectFrom('regions').select(['code', 'name', 'level']).where('path', 'like', `${scope.regionPath}%`).orderBy('path').execute(),
		industries: await db.selectFrom('industries').select(['code', 'name']).orderBy('sort').execute(),
		courses: await db.selectFrom('courses').select(['code', 'title']).where('status', '=', 'published').orderBy('title').execute()
	};
};

export const actions: Actions = {
	default: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'regulator');
		const form = await request.formData();
		const input = targetFormToInput(form);
		const result = await createTarget(await getDb(), input, { userId: scope.userId, role: scope.role, orgId: scope.orgId, regionPath: scope.regionPath, ip: getClientAddress() }, now());
		if (!result.ok) return fail(400, { message: result.message, values: Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)])) });
		redirect(303, `/regulator/coverage/${result.id}`);
	}
};
