import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { loadNodeDashboard } from '#lib/server/coverage/dashboard.ts';
import { coverageParams } from '#lib/server/coverage/params.ts';

export const load: PageServerLoad = async ({ locals, params, url }) => {
	const scope = requireRole(locals, 'regulator');
	const p = coverageParams(params.id, url.searchParams.get('node') ?? scope.regionCode);
	if (!p) error(404, '辖区内没有这个目标或区域');
	const dashboard = await loadNodeDashboard(await getDb(), scope, p.targetId, p.node, now());
	if (!dashboard) error(404, '辖区内没有这个目标或区域');
	return dashboard;
};
