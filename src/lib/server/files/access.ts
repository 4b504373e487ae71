import type { Db } from '../db/index.ts';
import type { Scope } from '../auth/guards.ts';
import { findFileOwner, isFileInPersonsCourses } from './file-access.query.ts';

/**
 * Who may read a stored file: platform admins; staff of the institution that owns it; a learner
 * enrolled (actively) in a published course that has a lesson using it. Everyone else is told
 * the file does not exist.
 */
export async function canReadFile(db: Db, scope: Pick<Scope, 'role' | 'orgId' | 'personId'>, fileId: number): Promise<boolean> {
	const file = await findFileOwner(db, fileId);
	if (!file) return false;
	switch (scope.role) {
		case 'platform_admin':
			return true;
		case 'institution_admin':
		case 'examiner':
			return file.ownerOrgId !== null && file.ownerOrgId === scope.orgId;
		case 'learner':
			return scope.personId !== null && (await isFileInPersonsCourses(db, scope.personId, fileId));
		default:
			return false;
	}
}
