import { fail } from '@sveltejs/kit';

// Shared by the 考试点 / scheduling / 培训班 pages: one failure shape (the actor is actorOf from audit/actor.ts).

/** A refused action: the form shows `message` (and field errors) above the form named `action`. */
export function refuse(action: string, message: string | string[], errors: Record<string, string> = {}, values: Record<string, unknown> = {}) {
	return fail(400, { action, messages: Array.isArray(message) ? message : [message], errors, values });
}
