import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { loadTargetOverview } from '#lib/server/coverage/dashboard.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'regulator');
	const overview = await loadTargetOverview(await getDb(), scope, now());
	if (!overview) error(404, '辖区不存在');
	return overview;
};
