import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { enterpriseShortcut, loadCatalogue, parseCatalogueQuery } from '#lib/server/study/catalogue-page.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const db = await getDb();
	const shortcut = await enterpriseShortcut(db, scope.orgId);
	return { catalogue: await loadCatalogue(db, parseCatalogueQuery(url.searchParams), scope.orgId), shortcut, base: '/enterprise/catalogue', back: { href: '/enterprise', label: '企业首页' } };
};
