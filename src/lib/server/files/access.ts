import type { Db } from '../db/index.ts';
import type { Scope } from '../auth/guards.ts';
import { findFileOwner, findSnapshotSession, isFileInPersonsCourses } from './file-access.query.ts';
import { isSessionExaminer } from '../exams/session.repository.ts';
import { findApplicationOfFile } from '../special-ops/applications.repository.ts';

/**
 * Who may read a stored file: platform admins; staff of the institution that owns it; a learner
 * enrolled (actively) in a published course that has a lesson using it; a webcam snapshot only to the
 * examiners assigned to its session (and the institution's admins). Everyone else is told
 * the file does not exist. A 特种作业 application's photo, 身份证 images and evidence (owned by the
 * institution applied to) may also be read by the applying enterprise's admins, the applicant, and
 * regulators whose region holds the institution.
 */
export async function canReadFile(db: Db, scope: Pick<Scope, 'role' | 'orgId' | 'personId' | 'userId'> & { regionPath?: string }, fileId: number): Promise<boolean> {
	const file = await findFileOwner(db, fileId);
	if (!file) return false;
	if (scope.role === 'enterprise_admin' || scope.role === 'learner' || scope.role === 'regulator') {
		const app = await findApplicationOfFile(db, fileId);
		if (app) {
			if (scope.role === 'enterprise_admin') return app.enterprise_org_id === scope.orgId;
			if (scope.role === 'learner') return scope.personId !== null && app.person_id === scope.personId;
			return scope.regionPath !== undefined && app.region_path.startsWith(scope.regionPath);
		}
	}
	switch (scope.role) {
		case 'platform_admin':
			return true;
		case 'institution_admin':
			return file.ownerOrgId !== null && file.ownerOrgId === scope.orgId;
		case 'examiner': {
			if (file.ownerOrgId === null || file.ownerOrgId !== scope.orgId) return false;
			// Webcam snapshots: only the examiners assigned to that session.
			const snapshot = await findSnapshotSession(db, fileId);
			return !snapshot || (await isSessionExaminer(db, snapshot.sessionId, scope.userId));
		}
		case 'learner':
			return scope.personId !== null && (await isFileInPersonsCourses(db, scope.personId, fileId));
		default:
			return false;
	}
}
