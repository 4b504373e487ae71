import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, liveSettings, now } from '#lib/server/runtime.ts';
import { loadLiveList, scheduleFromRequest } from '#lib/server/live/live-list-page.ts';

// The same list and form serve an enterprise's own 全员 classes (src/routes/enterprise/live).
export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	return loadLiveList(await getDb(), scope, liveSettings(), now());
};

export const actions: Actions = {
	schedule: async (event) => {
		const scope = requireRole(event.locals, 'institution_admin');
		return scheduleFromRequest(await getDb(), scope, event, liveSettings(), now());
	}
};
