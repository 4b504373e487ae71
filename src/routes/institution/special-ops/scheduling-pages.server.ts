import { fail } from '@sveltejs/kit';
import type { Scope } from '#lib/server/auth/guards.ts';
import type { Actor } from '#lib/server/exams/blueprint-service.ts';

// Shared by the 考试点 / scheduling / 培训班 pages: the actor, ids from the URL, and one failure shape.

export function actorOf(scope: Scope, ip: string | null): Actor {
	return { userId: scope.userId, role: scope.role, orgId: scope.orgId, ip };
}

/** A refused action: the form shows `message` (and field errors) above the form named `action`. */
export function refuse(action: string, message: string | string[], errors: Record<string, string> = {}, values: Record<string, unknown> = {}) {
	return fail(400, { action, messages: Array.isArray(message) ? message : [message], errors, values });
}
