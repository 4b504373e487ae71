import type { Actions, PageServerLoad } from './$types';
import { forgotSchema, formStrings } from '#lib/schemas/account.ts';
import { requestSelfReset } from '#lib/server/accounts/password-reset.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { zodFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async () => ({});

export const actions: Actions = {
	default: async ({ request, getClientAddress }) => {
		const values = formStrings(await request.formData(), ['mobile'] as const);
		const parsed = forgotSchema.safeParse(values);
		if (!parsed.success) return zodFailure(parsed.error, { values: { mobile: values.mobile.slice(0, 20) } });
		await requestSelfReset(await getDb(), { mobile: parsed.data.mobile, ip: getClientAddress(), now: now() });
		// the same answer whether or not the number has an account
		return { sent: true, mobile: parsed.data.mobile };
	}
};
