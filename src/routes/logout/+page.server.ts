import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDb, now } from '#lib/server/runtime.ts';
import { invalidateSession, SESSION_COOKIE } from '#lib/server/auth/session.ts';
import { appendAudit } from '#lib/server/audit/audit.ts';

export const load: PageServerLoad = async () => redirect(303, '/');

export const actions: Actions = {
	default: async ({ locals, cookies, getClientAddress }) => {
		if (locals.session && locals.user) {
			const db = await getDb();
			await invalidateSession(db, locals.session.id);
			await appendAudit(db, { at: now(), actorUserId: locals.user.id, action: 'logout', target: `user:${locals.user.id}`, ip: getClientAddress() });
		}
		cookies.delete(SESSION_COOKIE, { path: '/' });
		redirect(303, '/login');
	}
};
