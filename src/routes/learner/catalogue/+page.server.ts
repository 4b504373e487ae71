import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { learnerShortcut, loadCatalogue, parseCatalogueQuery } from '#lib/server/study/catalogue-page.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'learner');
	const db = await getDb();
	const year = Number(shanghaiDate(now()).slice(0, 4));
	const shortcut = scope.personId ? await learnerShortcut(db, scope.personId, scope.orgId, year) : null;
	return { catalogue: await loadCatalogue(db, parseCatalogueQuery(url.searchParams), scope.orgId), shortcut, base: '/learner/catalogue', back: { href: '/learner', label: '我的首页' } };
};
