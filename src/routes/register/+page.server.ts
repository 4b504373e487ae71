import type { Actions, PageServerLoad } from './$types';
import { getDb, now } from '#lib/server/runtime.ts';
import { REGISTRATION_FORM_FIELDS, registrationSchema } from '#lib/schemas/registration.ts';
import { listIndustries, listRegistrationRegions } from '#lib/server/registration/registration.repository.ts';
import { submitRegistration } from '#lib/server/registration/registration-service.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

// Public: an enterprise applies for an account (实名注册). Anonymous bodies are capped at 8 KB
// (body-limit.ts) and submissions per IP are throttled from the audit log.

export const load: PageServerLoad = async () => {
	const db = await getDb();
	const [regions, industries] = await Promise.all([listRegistrationRegions(db), listIndustries(db)]);
	return { regions, industries };
};

export const actions: Actions = {
	default: async ({ request, getClientAddress }) => {
		const form = await request.formData();
		const values: Record<string, string> = {};
		for (const k of REGISTRATION_FORM_FIELDS) {
			const v = form.get(k);
			values[k] = typeof v === 'string' ? v.slice(0, 200) : '';
		}
		const parsed = registrationSchema.safeParse(values);
		if (!parsed.success) return zodFailure(parsed.error, { values });
		const result = await submitRegistration(await getDb(), { ...parsed.data, ip: getClientAddress(), now: now() });
		if (!result.ok) return formFailure(result.status, { [result.field]: result.message }, { values });
		return { submitted: { name: parsed.data.name, creditCode: parsed.data.creditCode } };
	}
};
