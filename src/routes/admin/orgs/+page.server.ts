import type { PageServerLoad } from './$types';
import { z } from 'zod';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listOrganisations } from '#lib/server/orgs/org-admin.query.ts';
import { ORG_FORM_KINDS } from '#lib/schemas/org.ts';

// Unknown filter values are ignored (the list shows everything), never an error.
const filterSchema = z.object({
	kind: z.enum(ORG_FORM_KINDS).nullable().catch(null),
	status: z.enum(['active', 'suspended']).nullable().catch(null),
	q: z.string().trim().max(50).nullable().catch(null).transform((s) => (s ? s : null))
});

export const load: PageServerLoad = async ({ locals, url }) => {
	requireRole(locals, 'platform_admin');
	const filter = filterSchema.parse({ kind: url.searchParams.get('kind'), status: url.searchParams.get('status'), q: url.searchParams.get('q') });
	return { filter, orgs: await listOrganisations(await getDb(), filter) };
};
