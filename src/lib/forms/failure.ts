import { fail } from '@sveltejs/kit';
import type { z } from 'zod';

/**
 * The one shape of a failed form action: a message per field (`form` for the whole form) and,
 * where the page re-fills its inputs, the submitted values. Pages read it with `errorsOf(form)`.
 */
export type FormErrors = Record<string, string>;
export type FormFailure = { errors: FormErrors; values?: Record<string, unknown> };

/** First zod issue per field (the field's top-level name; `form` when the issue has no path). */
export function zodErrors(error: z.ZodError): FormErrors {
	const out: FormErrors = {};
	for (const issue of error.issues) {
		const key = String(issue.path[0] ?? 'form');
		out[key] ??= issue.message;
	}
	return out;
}

/** `fail(status, { errors, values })`; a string is the form-level message. */
export function formFailure(status: number, errors: FormErrors | string, values?: Record<string, unknown>) {
	const body: FormFailure = { errors: typeof errors === 'string' ? { form: errors } : errors };
	if (values !== undefined) body.values = values;
	return fail(status, body);
}

/** A zod parse failure as a 400 form failure. */
export function zodFailure(error: z.ZodError, values?: Record<string, unknown>) {
	return formFailure(400, zodErrors(error), values);
}

/** The field messages of an action result, whatever else the action returns (for pages). */
export function errorsOf(form: unknown): FormErrors {
	if (form && typeof form === 'object' && 'errors' in form) {
		const errors = (form as { errors: unknown }).errors;
		if (errors && typeof errors === 'object') return errors as FormErrors;
	}
	return {};
}

/** The submitted values of an action result, for re-filling inputs. */
export function valuesOf(form: unknown): Record<string, string> {
	if (form && typeof form === 'object' && 'values' in form) {
		const values = (form as { values: unknown }).values;
		if (values && typeof values === 'object') return values as Record<string, string>;
	}
	return {};
}
