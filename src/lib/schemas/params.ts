import { z } from 'zod';

const positiveId = z.coerce.number().int().positive().max(2_147_483_647);

/** A numeric route parameter, or null when it is not one (the route answers 404). */
export function idParam(value: string | undefined): number | null {
	const parsed = positiveId.safeParse(value);
	return parsed.success ? parsed.data : null;
}
