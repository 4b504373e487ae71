import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listPersonCertificates } from '#lib/server/certificates/certificates.query.ts';
import { certificateView } from '#lib/server/certificates/views.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'learner');
	if (!scope.personId) return { certificates: [] };
	const at = now();
	return { certificates: (await listPersonCertificates(await getDb(), scope.personId)).map((c) => certificateView(c, at)) };
};
