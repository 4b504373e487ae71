import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { listInstitutionSessions } from '#lib/server/certificates/certificates.repository.ts';
import { rulesForUsers } from '#lib/server/certificates/rules.ts';
import { certificateConfig } from '#lib/server/certificates/config.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'institution_admin');
	const sessions = await listInstitutionSessions(await getDb(), scope.orgId);
	return { sessions, ...rulesForUsers(certificateConfig()) };
};
