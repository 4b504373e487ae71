// The exam day's two hot endpoints — autosave (sync) and 开始考试 (start) — as functions from the
// caller's scope and parsed JSON body to a JsonReply. The SvelteKit routes and the hot-path server
// (#lib/server/http/hot-paths.ts) both call these, so both answer exactly alike.
import type { Scope } from '#lib/server/auth/guards.ts';
import type { Db } from '#lib/server/db/index.ts';
import { idParam } from '#lib/schemas/params.ts';
import { startSchema, syncSchema } from '#lib/schemas/exam.ts';
import { parseJsonValue, refusal, reply, type JsonReply, type RequestFacts } from '#lib/server/http/json-reply.ts';
import { startAttempt, syncAttempt, type ClientContext } from './attempt-service.ts';
import { checkSnapshot } from './snapshot-service.ts';
import { matchExamPhoto } from '#lib/server/face/exam-face.ts';
import { faceEngine } from '#lib/server/face/engine.ts';
import { faceThresholds } from '#lib/server/face/config.ts';

export const NO_ATTEMPT = '没有这次考试记录';
export const NO_PERSON = '当前账号没有关联学员档案，不能参加考试。';

export function clientContextOf(facts: RequestFacts, clientId: string): ClientContext {
	return { clientId, ip: facts.ip, userAgent: facts.userAgent ? facts.userAgent.slice(0, 400) : null };
}

/** The answers and proctoring events of a sync or submit body, as the attempt service takes them. */
export function answersAndEvents(b: { answers: { seq: number; slot: number; response: unknown; at?: string | undefined }[]; events: { kind: string; at: string; detail?: Record<string, unknown> | undefined }[] }) {
	return {
		answers: b.answers.map((a) => ({ seq: a.seq, slot: a.slot, response: a.response, clientAt: a.at ? new Date(a.at) : null })),
		events: b.events.map((e) => ({ kind: e.kind, at: new Date(e.at), detail: e.detail }))
	};
}

/** Autosave: answers (idempotent by seq) and proctoring events; acknowledges examiner warnings. */
export async function syncReply(db: Db, scope: Scope, attemptIdText: string | undefined, body: unknown, facts: RequestFacts, now: Date): Promise<JsonReply> {
	if (scope.personId === null) return refusal(NO_PERSON, 403);
	const attemptId = idParam(attemptIdText);
	if (!attemptId) return refusal(NO_ATTEMPT, 404);
	const parsed = parseJsonValue(body, syncSchema);
	if (!parsed.ok) return parsed.reply;
	const b = parsed.data;
	const result = await syncAttempt(db, { attemptId, personId: scope.personId, client: clientContextOf(facts, b.clientId), ...answersAndEvents(b), acknowledge: b.ack }, now);
	return result ? reply(result) : refusal(NO_ATTEMPT, 404);
}

/** 开始考试 (or resume): the eligibility rules, then the attempt; an identity photo is matched in the background. */
export async function startReply(db: Db, scope: Scope, sessionIdText: string | undefined, body: unknown, facts: RequestFacts, now: Date): Promise<JsonReply> {
	const personId = scope.personId;
	if (personId === null) return refusal(NO_PERSON, 403);
	const sessionId = idParam(sessionIdText);
	if (!sessionId) return refusal('没有这场考试', 404);
	const parsed = parseJsonValue(body, startSchema);
	if (!parsed.ok) return parsed.reply;
	const photo = parsed.data.identityPhoto ? new Uint8Array(Buffer.from(parsed.data.identityPhoto, 'base64')) : null;
	const photoProblem = photo && checkSnapshot(photo);
	if (photoProblem) return refusal(`身份照片 identityPhoto：${photoProblem}`);
	const result = await startAttempt(
		db,
		{ sessionId, personId, userId: scope.userId, accessCode: parsed.data.accessCode ?? '', client: clientContextOf(facts, parsed.data.clientId), identityPhoto: photo },
		now
	);
	if (!result.ok) return reply({ message: result.reasons.join(''), reasons: result.reasons }, 403);
	if (photo && !result.resumed) {
		// matched in the background: the start is not delayed; a mismatch becomes an integrity flag
		matchExamPhoto(db, faceEngine(), faceThresholds(), { attemptId: result.attemptId, personId, bytes: photo }, now).catch((err: unknown) =>
			console.error('exam face match failed', err)
		);
	}
	return reply({ attemptId: result.attemptId, resumed: result.resumed });
}
