import { z } from 'zod';

const idSchema = z.coerce.number().int().positive().max(2_147_483_647);
const nodeSchema = z.string().regex(/^[0-9A-Z]{6,9}$/);

/** Route parameters of the coverage pages; undefined (→ 404) when malformed. */
export function coverageParams(id: string, node: string): { targetId: number; node: string } | undefined {
	const t = idSchema.safeParse(id);
	const n = nodeSchema.safeParse(node);
	return t.success && n.success ? { targetId: t.data, node: n.data } : undefined;
}

export function parseId(id: string): number | undefined {
	const t = idSchema.safeParse(id);
	return t.success ? t.data : undefined;
}
