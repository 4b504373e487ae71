import { error } from '@sveltejs/kit';
import { z } from 'zod';

// The one parser of record ids, from the URL, a query string or a form field. Every table id is
// an int4 serial, so only the canonical decimal of 1..2147483647 is an id: no sign, no leading
// zero, no spaces, no exponent, no trailing text ("1abc", "01", "1e3", "-1", " 1" are not ids).

export const MAX_ID = 2_147_483_647;
const CANONICAL = /^[1-9][0-9]{0,9}$/;

/** The id, or null when the value is not the canonical decimal of a positive int4. */
export function idParam(value: unknown): number | null {
	if (typeof value === 'number') return Number.isInteger(value) && value > 0 && value <= MAX_ID ? value : null;
	if (typeof value !== 'string' || !CANONICAL.test(value)) return null;
	const id = Number(value);
	return id <= MAX_ID ? id : null;
}

/** The id of a route parameter; anything else is a page that does not exist (404). */
export function requireIdParam(value: unknown, message = '页面不存在'): number {
	const id = idParam(value);
	if (id === null) error(404, message);
	return id;
}

/** The same rule as a zod schema, for form fields and JSON bodies that carry ids. */
export function idField(message = '编号无效') {
	return z.union([z.string(), z.number()], { error: message }).transform((v, ctx) => {
		const id = idParam(v);
		if (id === null) {
			ctx.addIssue({ code: 'custom', message });
			return z.NEVER;
		}
		return id;
	});
}

export const idSchema = idField();
