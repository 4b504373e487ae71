import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { changePasswordSchema } from '#lib/schemas/auth.ts';
import { requireUser } from '#lib/server/auth/guards.ts';
import { changePassword } from '#lib/server/auth/login.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const { user } = requireUser(locals);
	return { forced: user.mustChangePassword };
};

export const actions: Actions = {
	default: async ({ locals, request, getClientAddress }) => {
		const { user, session } = requireUser(locals);
		const form = await request.formData();
		const parsed = changePasswordSchema.safeParse({
			current: String(form.get('current') ?? ''),
			next: String(form.get('next') ?? ''),
			confirm: String(form.get('confirm') ?? '')
		});
		if (!parsed.success) return zodFailure(parsed.error);
		const result = await changePassword(await getDb(), {
			userId: user.id,
			sessionId: session.id,
			current: parsed.data.current,
			next: parsed.data.next,
			ip: getClientAddress(),
			now: now()
		});
		if (!result.ok) {
			const message = result.reason === 'wrong_current' ? '当前密码不正确' : '新密码不能与当前密码相同';
			return formFailure(400, { [result.reason === 'wrong_current' ? 'current' : 'next']: message });
		}
		redirect(303, '/?password=changed');
	}
};
