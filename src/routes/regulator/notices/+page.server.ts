import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listNoticesForRegulator } from '#lib/server/supervision/notice-service.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'regulator');
	const notices = await listNoticesForRegulator(await getDb(), scope);
	return {
		notices: notices.map((n) => ({
			id: n.id,
			title: n.title,
			targetTitle: n.target_title,
			regionName: n.region_name,
			sentAt: n.created_at,
			sentBy: n.created_by_name,
			deadline: n.deadline,
			recipients: n.recipients,
			read: n.read,
			acknowledged: n.acknowledged,
			closed: n.closed
		}))
	};
};
