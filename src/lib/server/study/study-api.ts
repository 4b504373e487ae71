// The study heartbeat as a function from the caller's scope and parsed JSON body to a JsonReply:
// the SvelteKit route and the hot-path server (#lib/server/http/hot-paths.ts) both call it.
import { createHash } from 'node:crypto';
import type { Scope } from '#lib/server/auth/guards.ts';
import type { Db } from '#lib/server/db/index.ts';
import { heartbeatSchema } from '#lib/schemas/study.ts';
import { jsonControlCharacterProblem } from '#lib/server/http/input-guard.ts';
import { refusal, reply, type JsonReply, type RequestFacts } from '#lib/server/http/json-reply.ts';
import { recordHeartbeat, type ClientInfo } from './heartbeat.ts';
import type { StudyConfig } from './credit.ts';
import { beatStateCacheFor } from './beat-state-cache.ts';

/** IP and a short fingerprint of the user agent: evidence for "many persons on one device". */
export function clientInfoOf(facts: RequestFacts): ClientInfo {
	const ua = facts.userAgent ?? '';
	return { ip: facts.ip, device: ua ? createHash('sha256').update(ua).digest('hex').slice(0, 16) : null };
}

/**
 * One heartbeat. `body` is the parsed JSON (undefined when the body was not JSON); a body with a
 * control character is refused like any other malformed beat.
 */
export async function heartbeatReply(db: Db, scope: Scope, body: unknown, facts: RequestFacts, now: Date, config: StudyConfig): Promise<JsonReply> {
	if (scope.personId === null) return refusal('当前账号没有关联学员档案，不能计学时。', 403);
	const clean = body !== undefined && jsonControlCharacterProblem(body) === null ? body : null;
	const parsed = heartbeatSchema.safeParse(clean);
	if (!parsed.success) return reply({ message: '学习记录格式不正确。', issues: parsed.error.issues.map((i) => i.path.join('.')) }, 400);
	const p = parsed.data;
	const result = await recordHeartbeat(
		db,
		{
			personId: scope.personId,
			enrolmentId: p.enrolmentId,
			lessonId: p.lessonId,
			beat: { tabId: p.tabId, state: p.state, intent: p.intent, position: p.position, rate: p.rate },
			client: clientInfoOf(facts)
		},
		now,
		config,
		Math.random,
		beatStateCacheFor(db)
	);
	const status = result.refused && ['not_enrolled', 'lesson_not_in_course'].includes(result.refused.code) ? 404 : 200;
	return reply(result, status);
}
