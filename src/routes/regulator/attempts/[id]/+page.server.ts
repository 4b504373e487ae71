import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { getAttemptTimeline } from '#lib/server/findings/evidence.query.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'regulator');
	const id = idParam(params.id);
	const view = id ? await getAttemptTimeline(await getDb(), id, scope.regionPath) : undefined;
	if (!view) error(404, '辖区内没有这份答卷');
	return view;
};
