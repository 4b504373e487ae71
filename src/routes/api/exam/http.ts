import type { z } from 'zod';
import { parseJsonValue, refusal, reply, replyResponse, requestFacts } from '#lib/server/http/json-reply.ts';
import { clientContextOf, NO_ATTEMPT, NO_PERSON } from '#lib/server/exams/exam-api.ts';
import type { ClientContext } from '#lib/server/exams/attempt-service.ts';

export { answersAndEvents } from '#lib/server/exams/exam-api.ts';

// Shared by the exam endpoints: a size-limited JSON body, the caller's connection facts, 400s.

export const SYNC_BODY_LIMIT = 64 * 1024;
/** A 300 KB JPEG is 400 KB in Base64, plus the envelope. */
export const PHOTO_BODY_LIMIT = 512 * 1024;

export class BodyTooLarge extends Error {}

/**
 * Reads the body as JSON, counting bytes as they arrive (a chunked body has no content-length).
 * Returns undefined when the body is not JSON; throws BodyTooLarge over the limit.
 */
export async function readJsonBody(request: Request, limit: number): Promise<unknown> {
	if (Number(request.headers.get('content-length') ?? 0) > limit) throw new BodyTooLarge();
	if (!request.body) return undefined;
	const reader = request.body.getReader();
	const chunks: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel();
			throw new BodyTooLarge();
		}
		chunks.push(value);
	}
	try {
		return JSON.parse(Buffer.concat(chunks).toString('utf8'));
	} catch {
		return undefined;
	}
}

/** The JSON body (undefined when it is not JSON), or the 413 to return over the limit. */
export async function readBody(request: Request, limit: number): Promise<{ ok: true; body: unknown } | { ok: false; response: Response }> {
	try {
		return { ok: true, body: await readJsonBody(request, limit) };
	} catch (err) {
		if (err instanceof BodyTooLarge) return { ok: false, response: badRequest(`请求内容过大（最大 ${limit / 1024} KB）`, 413) };
		throw err;
	}
}

/** Parses the body with the schema, or the 400/413 response to return. */
export async function parseBody<S extends z.ZodType>(request: Request, schema: S, limit: number): Promise<{ ok: true; data: z.infer<S> } | { ok: false; response: Response }> {
	const read = await readBody(request, limit);
	if (!read.ok) return read;
	const parsed = parseJsonValue(read.body, schema);
	return parsed.ok ? parsed : { ok: false, response: replyResponse(parsed.reply) };
}

export function badRequest(message: string, status = 400): Response {
	return replyResponse(refusal(message, status));
}

export function notFound(): Response {
	return badRequest(NO_ATTEMPT, 404);
}

export function ok(body: unknown, status = 200): Response {
	return replyResponse(reply(body, status));
}

export function clientContext(request: Request, getClientAddress: () => string, clientId: string): ClientContext {
	return clientContextOf(requestFacts(request, getClientAddress), clientId);
}

export function decodeBase64(text: string): Uint8Array {
	return new Uint8Array(Buffer.from(text, 'base64'));
}

/** The learner's person id, or the 403 to return (an account without a person record cannot sit exams). */
export function personOf(scope: { personId: number | null }): number | Response {
	return scope.personId ?? badRequest(NO_PERSON, 403);
}

