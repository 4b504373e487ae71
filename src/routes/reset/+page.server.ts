import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { formStrings, resetSchema } from '#lib/schemas/account.ts';
import { resetFailureMessage, resetPassword } from '#lib/server/accounts/password-reset.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ url }) => {
	const account = url.searchParams.get('account') ?? '';
	return { account: /^[0-9Xx]{11,18}$/.test(account) ? account : '' };
};

export const actions: Actions = {
	default: async ({ request, getClientAddress }) => {
		const values = formStrings(await request.formData(), ['account', 'code', 'next', 'confirm'] as const);
		const account = values.account.slice(0, 40);
		const parsed = resetSchema.safeParse(values);
		if (!parsed.success) return zodFailure(parsed.error, { values: { account } });
		const result = await resetPassword(await getDb(), { account: parsed.data.account, code: parsed.data.code, password: parsed.data.next, ip: getClientAddress(), now: now() });
		if (!result.ok) return formFailure(result.reason === 'throttled' ? 429 : 400, { code: resetFailureMessage(result) }, { values: { account } });
		redirect(303, '/login?reset=1');
	}
};
