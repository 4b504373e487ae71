import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { loginSchema } from '#lib/schemas/auth.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { describeLoginFailure, loginWithPassword } from '#lib/server/auth/login.ts';
import { SESSION_COOKIE } from '#lib/server/auth/session.ts';
import { sessionCookieOptions } from '#lib/server/auth/cookie.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

const IP_SLOW_MS = 2000;

export const load: PageServerLoad = async ({ locals }) => {
	if (locals.user) redirect(303, '/');
	return {};
};

export const actions: Actions = {
	default: async ({ request, cookies, getClientAddress }) => {
		const form = await request.formData();
		const raw = { account: form.get('account'), password: form.get('password') };
		const account = typeof raw.account === 'string' ? raw.account.slice(0, 40) : '';
		const parsed = loginSchema.safeParse({
			account: typeof raw.account === 'string' ? raw.account : undefined,
			password: typeof raw.password === 'string' ? raw.password : undefined
		});
		if (!parsed.success) return zodFailure(parsed.error, { values: { account } });

		const result = await loginWithPassword(await getDb(), { ...parsed.data, ip: getClientAddress(), now: now(), userAgent: request.headers.get('user-agent') });
		if (result.ipSlowed) await new Promise((r) => setTimeout(r, IP_SLOW_MS));
		if (!result.ok) {
			const { status, message } = describeLoginFailure(result);
			return formFailure(status, message, { values: { account } });
		}
		cookies.set(SESSION_COOKIE, result.token, sessionCookieOptions(result.expiresAt));
		redirect(303, result.mustChangePassword ? '/account/password' : '/');
	}
};
