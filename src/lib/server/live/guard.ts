import { error } from '@sveltejs/kit';
import type { Db } from '../db/index.ts';
import type { Scope } from '../auth/guards.ts';
import { requireIdParam } from '../../schemas/params.ts';
import { findLiveClass, findLiveClassForPerson, type LiveClassRow } from './live.repository.ts';

/**
 * The lecturer's console: the owner organisation's admins, or the class's lecturer. Anyone else —
 * a lecturer of another institution included — gets 404, as for any record of another tenant.
 */
export async function requireConsoleClass(db: Db, scope: Scope, id: string): Promise<LiveClassRow> {
	const cls = await findLiveClass(db, requireIdParam(id));
	const allowed =
		cls !== null &&
		cls.owner_org_id === scope.orgId &&
		(scope.role === 'institution_admin' || scope.role === 'enterprise_admin' || cls.lecturer_user_id === scope.userId);
	if (!allowed) error(404, '没有找到这场直播');
	return cls;
}

/** A learner's class: only persons in its audience see it (others 404, no playlist address). */
export async function requireAudienceClass(db: Db, scope: Scope, id: string): Promise<{ cls: LiveClassRow; personId: number }> {
	const classId = requireIdParam(id);
	if (scope.personId === null) error(404, '没有找到这场直播');
	// one statement: the class and the audience check (the heartbeat's hot path)
	const found = await findLiveClassForPerson(db, classId, scope.personId);
	if (!found || !found.inAudience || found.cls.cancelled_at !== null) error(404, '没有找到这场直播');
	return { cls: found.cls, personId: scope.personId };
}
