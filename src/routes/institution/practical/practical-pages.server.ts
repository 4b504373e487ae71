import { error } from '@sveltejs/kit';
import { requireIdParam } from '#lib/schemas/params.ts';
import type { Scope } from '#lib/server/auth/guards.ts';
import type { Db } from '#lib/server/db/index.ts';
import { findAttempt } from '#lib/server/special-ops/practical.repository.ts';
import { requireExaminerSession } from '#lib/server/special-ops/practical-service.ts';

/** The attempt of a session the caller examines (or administers); anything else is a 404. */
export async function requireExaminedAttempt(db: Db, scope: Scope, idText: string) {
	const id = requireIdParam(idText, '没有这场实操考试记录');
	const attempt = await findAttempt(db, id);
	if (!attempt) error(404, '没有这场实操考试记录');
	const session = await requireExaminerSession(db, scope, attempt.sessionId);
	if (!session) error(404, '没有这场实操考试记录');
	return { attempt, session };
}
