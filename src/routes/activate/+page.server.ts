import { redirect } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { getDb, now } from '#lib/server/runtime.ts';
import { activationSchema } from '#lib/schemas/person.ts';
import { activateAccount, activationFailureMessage } from '#lib/server/people/activation.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

// Public: a person of an enterprise creates their own sign-in account. After success they sign
// in on the login page with the new password (a deliberate extra step: they practise the login
// they will use every day, and login keeps the one place that creates sessions).

export const load: PageServerLoad = async ({ locals }) => {
	if (locals.user) redirect(303, '/');
	return {};
};

export const actions: Actions = {
	default: async ({ request, getClientAddress }) => {
		const form = await request.formData();
		const text = (k: string) => {
			const v = form.get(k);
			return typeof v === 'string' ? v : '';
		};
		// Typed back into the form after an error; the passwords never are.
		const values = { idNumber: text('idNumber').slice(0, 40), mobile: text('mobile').slice(0, 40) };
		const parsed = activationSchema.safeParse({ idNumber: text('idNumber'), mobile: text('mobile'), code: text('code'), next: text('next'), confirm: text('confirm') });
		if (!parsed.success) return zodFailure(parsed.error, { values });
		const result = await activateAccount(await getDb(), {
			idNumber: parsed.data.idNumber,
			mobile: parsed.data.mobile,
			code: parsed.data.code,
			password: parsed.data.next,
			ip: getClientAddress(),
			now: now()
		});
		if (!result.ok) {
			return formFailure(result.reason === 'throttled' ? 429 : 400, activationFailureMessage(result), { values });
		}
		redirect(303, '/login?activated=1');
	}
};
