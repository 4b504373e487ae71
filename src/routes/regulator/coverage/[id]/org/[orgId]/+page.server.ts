import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { loadOrgForRegulator } from '#lib/server/coverage/org-view.ts';
import { idParam } from '#lib/schemas/params.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'regulator');
	const targetId = idParam(params.id);
	const orgId = idParam(params.orgId);
	const view = targetId && orgId ? await loadOrgForRegulator(await getDb(), scope, targetId, orgId, now()) : undefined;
	if (!view) error(404, '辖区内没有这个单位或目标');
	return view;
};
