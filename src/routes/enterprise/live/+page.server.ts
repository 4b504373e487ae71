import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, liveSettings, now } from '#lib/server/runtime.ts';
import { loadLiveList, scheduleFromRequest } from '#lib/server/live/live-list-page.ts';

// An enterprise schedules its own 全员 live class: the audience is its own staff (by role
// category, or named persons of the enterprise); every load and action is scoped to scope.orgId.
export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	return loadLiveList(await getDb(), scope, liveSettings(), now());
};

export const actions: Actions = {
	schedule: async (event) => {
		const scope = requireRole(event.locals, 'enterprise_admin');
		return scheduleFromRequest(await getDb(), scope, event, liveSettings(), now());
	}
};
