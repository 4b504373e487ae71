import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { loadCatalogue, parseCatalogueQuery } from '#lib/server/study/catalogue-page.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	requireRole(locals, 'learner');
	return { catalogue: await loadCatalogue(await getDb(), parseCatalogueQuery(url.searchParams)), base: '/learner/catalogue', back: { href: '/learner', label: '我的首页' } };
};
