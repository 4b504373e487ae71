import { fail } from '@sveltejs/kit';
import type { z } from 'zod';

/**
 * The one shape of a failed form action. Every action fails through `formFailure` (or `zodFailure`)
 * and every page reads the result with `errorsOf`/`failureOf`/`valuesOf`:
 * - `errors`: a message per field, `form` for the form as a whole (always present);
 * - `values`: the submitted values, where the page re-fills its inputs;
 * - `action`: which of the page's forms failed, where a page has several (`?/name`);
 * - `target`: which row's form failed, where a list has one form per row (its id or key);
 * - `messages`: all the form-level messages, where a rule finds several at once (`errors.form` is the first);
 * - `rows`: an uploaded file's problems by row;
 * - `detail`: what the page shows beside the messages, found while checking (a blueprint's question
 *   supply per section). `values` and `detail` keep their types in the page's `form`.
 */
export type FormErrors = Record<string, string>;
export type FailureRow = { row: number | null; column?: string | null; message: string };
export type FormFailure<V extends object = Record<string, unknown>, D = unknown> = {
	errors: FormErrors;
	values?: V;
	action?: string;
	target?: string | number | null;
	messages?: string[];
	rows?: FailureRow[];
	detail?: D;
};
export type FailureExtras<V extends object = Record<string, unknown>, D = unknown> = Omit<FormFailure<V, D>, 'errors'>;

/** First zod issue per field (the field's top-level name; `form` when the issue has no path). */
export function zodErrors(error: z.ZodError): FormErrors {
	const out: FormErrors = {};
	for (const issue of error.issues) {
		const key = String(issue.path[0] ?? 'form');
		out[key] ??= issue.message;
	}
	return out;
}

/**
 * `fail(status, { errors, …extras })`. A string is the form-level message; a list of strings is
 * several form-level messages (`errors.form` is the first, `messages` holds them all).
 */
export function formFailure<V extends object = Record<string, unknown>, D = never>(status: number, errors: FormErrors | string | string[], extras: FailureExtras<V, D> = {}) {
	let body: FormFailure<V, D>;
	if (typeof errors === 'string') body = { errors: { form: errors } };
	else if (Array.isArray(errors)) body = { errors: errors.length ? { form: errors[0]! } : {}, messages: errors };
	else body = { errors };
	for (const [k, v] of Object.entries(extras)) if (v !== undefined) (body as Record<string, unknown>)[k] = v;
	return fail(status, body);
}

/** A zod parse failure as a 400 form failure. */
export function zodFailure<V extends object = Record<string, unknown>>(error: z.ZodError, extras: FailureExtras<V, never> = {}) {
	return formFailure<V, never>(400, zodErrors(error), extras);
}

/** The failure an action returned, or null (for pages: `failureOf(form)?.action === 'x'`). */
export function failureOf(form: unknown): FormFailure | null {
	if (form && typeof form === 'object' && 'errors' in form) {
		const errors = (form as { errors: unknown }).errors;
		if (errors && typeof errors === 'object' && !Array.isArray(errors)) return form as FormFailure;
	}
	return null;
}

/** The field messages of an action result, whatever else the action returns (for pages). */
export function errorsOf(form: unknown): FormErrors {
	return failureOf(form)?.errors ?? {};
}

/** The form-level messages of an action result: `messages` when there are several, else `errors.form`. */
export function messagesOf(form: unknown): string[] {
	const f = failureOf(form);
	if (!f) return [];
	if (f.messages?.length) return f.messages;
	return f.errors.form ? [f.errors.form] : [];
}

/** The submitted values of an action result, for re-filling inputs. */
export function valuesOf(form: unknown): Record<string, string> {
	if (form && typeof form === 'object' && 'values' in form) {
		const values = (form as { values: unknown }).values;
		if (values && typeof values === 'object') return values as Record<string, string>;
	}
	return {};
}
