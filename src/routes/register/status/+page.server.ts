import type { Actions } from './$types';
import { getDb, now } from '#lib/server/runtime.ts';
import { registrationStatusSchema } from '#lib/schemas/registration.ts';
import { lookupRegistrationStatus } from '#lib/server/registration/registration-service.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

// Public: the applicant looks up an application with its credit code and the contact's 手机号.

export const actions: Actions = {
	default: async ({ request, getClientAddress }) => {
		const form = await request.formData();
		const text = (k: string) => {
			const v = form.get(k);
			return typeof v === 'string' ? v.slice(0, 40) : '';
		};
		const values = { creditCode: text('creditCode'), mobile: text('mobile') };
		const parsed = registrationStatusSchema.safeParse(values);
		if (!parsed.success) return zodFailure(parsed.error, { values });
		const result = await lookupRegistrationStatus(await getDb(), { ...parsed.data, ip: getClientAddress(), now: now() });
		if (!result.ok) return formFailure(result.status, result.message, { values });
		return { values, found: { name: result.name, status: result.status, reason: result.reason, createdAt: result.createdAt.toISOString(), decidedAt: result.decidedAt?.toISOString() ?? null } };
	}
};
