import { z } from 'zod';
import { idParam } from '../../schemas/params.ts';

const nodeSchema = z.string().regex(/^[0-9A-Z]{6,9}$/);

/** Route parameters of the coverage pages; undefined (→ 404) when malformed. */
export function coverageParams(id: string, node: string): { targetId: number; node: string } | undefined {
	const targetId = idParam(id);
	const n = nodeSchema.safeParse(node);
	return targetId !== null && n.success ? { targetId, node: n.data } : undefined;
}
