import { error } from '@sveltejs/kit';
import { requireIdParam } from '#lib/schemas/params.ts';
import type { Scope } from '#lib/server/auth/guards.ts';
import type { Db } from '#lib/server/db/index.ts';
import { findVisibleSession } from '#lib/server/exams/session-service.ts';
import { proctoredSessionOfAttempt } from '#lib/server/proctoring/proctor-service.ts';

// Shared by the institution's exam pages: ids from the URL, the actor, and 404 for what the caller may not see.

/** The id in the URL; 404 for anything but a canonical positive int4. */
export function idParam(value: string): number {
	return requireIdParam(value, '没有这个记录');
}

/** The session if the caller is an admin of its institution or one of its examiners; 404 otherwise. */
export async function requireVisibleSession(db: Db, scope: Scope, idText: string) {
	const session = await findVisibleSession(db, scope, idParam(idText));
	if (!session) error(404, '没有这个考试场次');
	return session;
}

export async function requireProctoredAttempt(db: Db, scope: Scope, idText: string) {
	const id = idParam(idText);
	const session = await proctoredSessionOfAttempt(db, scope, id);
	if (!session) error(404, '没有这个答卷');
	return { id, session };
}
