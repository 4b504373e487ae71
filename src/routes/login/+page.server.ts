import { fail, redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { fieldErrors, loginSchema } from '#lib/schemas/auth.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { loginWithPassword } from '#lib/server/auth/login.ts';
import { SESSION_COOKIE } from '#lib/server/auth/session.ts';
import { sessionCookieOptions } from '#lib/server/auth/cookie.ts';
import { LOCK_THRESHOLD } from '#lib/server/auth/lockout.ts';

const IP_SLOW_MS = 2000;

export const load: PageServerLoad = async ({ locals }) => {
	if (locals.user) redirect(303, '/');
	return {};
};

function formatTime(d: Date): string {
	return d.toLocaleTimeString('zh-CN', { hour: '2-digit', minute: '2-digit', hour12: false, timeZone: 'Asia/Shanghai' });
}

export const actions: Actions = {
	default: async ({ request, cookies, getClientAddress }) => {
		const form = await request.formData();
		const raw = { account: form.get('account'), password: form.get('password') };
		const account = typeof raw.account === 'string' ? raw.account.slice(0, 40) : '';
		const parsed = loginSchema.safeParse({
			account: typeof raw.account === 'string' ? raw.account : undefined,
			password: typeof raw.password === 'string' ? raw.password : undefined
		});
		if (!parsed.success) return fail(400, { account, errors: fieldErrors(parsed.error) });

		const result = await loginWithPassword(await getDb(), { ...parsed.data, ip: getClientAddress(), now: now() });
		const slowNote = result.ipSlowed ? '本IP地址15分钟内登录失败次数过多，登录已被减速处理。' : '';
		if (result.ipSlowed) await new Promise((r) => setTimeout(r, IP_SLOW_MS));
		if (!result.ok) {
			let message: string;
			if (result.reason === 'locked') {
				message = `连续${LOCK_THRESHOLD}次密码错误，账号已锁定15分钟，请于 ${formatTime(result.until)} 后再试。`;
			} else if (result.reason === 'disabled') {
				message = '账号已停用，请联系单位管理员。';
			} else {
				message =
					result.remaining !== null && result.remaining <= 3
						? `账号或密码错误。再错${result.remaining}次，账号将被锁定15分钟。`
						: '账号或密码错误。';
			}
			const errors: Record<string, string> = { form: message + slowNote };
			return fail(result.reason === 'locked' ? 429 : 400, { account, errors });
		}
		cookies.set(SESSION_COOKIE, result.token, sessionCookieOptions(result.expiresAt));
		redirect(303, result.mustChangePassword ? '/account/password' : '/');
	}
};
