import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listEnterpriseCertificates, listExpiring } from '#lib/server/certificates/certificates.query.ts';
import { certificateView } from '#lib/server/certificates/views.ts';
import { shanghaiDate } from '#lib/domain/dates.ts';

const EXPIRY_WINDOW_DAYS = 90;

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const db = await getDb();
	const at = now();
	const expiring = await listExpiring(db, scope.orgId, shanghaiDate(at), EXPIRY_WINDOW_DAYS);
	const all = await listEnterpriseCertificates(db, scope.orgId);
	return { days: EXPIRY_WINDOW_DAYS, expiring: expiring.map((c) => certificateView(c, at)), certificates: all.map((c) => certificateView(c, at)) };
};
