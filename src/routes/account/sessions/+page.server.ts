import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireAccount } from '#lib/server/auth/guards.ts';
import { endOwnSession, listOwnSessions } from '#lib/server/accounts/own-sessions.ts';
import { SESSION_COOKIE } from '#lib/server/auth/session.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { formFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const { user, session } = requireAccount(locals);
	return { sessions: await listOwnSessions(await getDb(), user.id, session.id, now()) };
};

export const actions: Actions = {
	end: async ({ locals, request, cookies, getClientAddress }) => {
		const { user, session } = requireAccount(locals);
		const ref = (await request.formData()).get('ref');
		if (typeof ref !== 'string' || !/^[0-9a-f]{20}$/.test(ref)) return formFailure(400, '请求不完整，请刷新页面后重试');
		const result = await endOwnSession(await getDb(), { userId: user.id, currentSessionId: session.id, ref, ip: getClientAddress(), now: now() });
		if (!result.ok) return formFailure(404, '该登录已结束或不存在');
		if (result.current) {
			cookies.delete(SESSION_COOKIE, { path: '/' });
			redirect(303, '/login');
		}
		return { ended: true };
	}
};
