import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { describeIssues } from '#lib/schemas/exam.ts';
import { jsonControlCharacterProblem } from '#lib/server/http/input-guard.ts';
import type { ClientContext } from '#lib/server/exams/attempt-service.ts';

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

/** Parses the body with the schema, or the 400/413 response to return. */
export async function parseBody<S extends z.ZodType>(request: Request, schema: S, limit: number): Promise<{ ok: true; data: z.infer<S> } | { ok: false; response: Response }> {
	let body: unknown;
	try {
		body = await readJsonBody(request, limit);
	} catch (err) {
		if (err instanceof BodyTooLarge) return { ok: false, response: badRequest(`请求内容过大（最大 ${limit / 1024} KB）`, 413) };
		throw err;
	}
	if (body === undefined) return { ok: false, response: badRequest('请求内容须为 JSON') };
	const control = jsonControlCharacterProblem(body);
	if (control) return { ok: false, response: badRequest(control) };
	const parsed = schema.safeParse(body);
	if (!parsed.success) return { ok: false, response: badRequest(describeIssues(parsed.error)) };
	return { ok: true, data: parsed.data };
}

export function badRequest(message: string, status = 400): Response {
	return json({ message }, { status, headers: { 'cache-control': 'no-store' } });
}

export function notFound(): Response {
	return json({ message: '没有这次考试记录' }, { status: 404, headers: { 'cache-control': 'no-store' } });
}

export function ok(body: unknown, status = 200): Response {
	return json(body, { status, headers: { 'cache-control': 'no-store' } });
}

export function clientContext(request: Request, getClientAddress: () => string, clientId: string): ClientContext {
	let ip: string | null = null;
	try {
		ip = getClientAddress();
	} catch {
		ip = null;
	}
	const ua = request.headers.get('user-agent');
	return { clientId, ip, userAgent: ua ? ua.slice(0, 400) : null };
}

export function decodeBase64(text: string): Uint8Array {
	return new Uint8Array(Buffer.from(text, 'base64'));
}

/** The learner's person id, or the 403 to return (an account without a person record cannot sit exams). */
export function personOf(scope: { personId: number | null }): number | Response {
	return scope.personId ?? badRequest('当前账号没有关联学员档案，不能参加考试。', 403);
}

/** The answers and proctoring events of a sync or submit body, as the attempt service takes them. */
export function answersAndEvents(b: { answers: { seq: number; slot: number; response: unknown; at?: string | undefined }[]; events: { kind: string; at: string; detail?: Record<string, unknown> | undefined }[] }) {
	return {
		answers: b.answers.map((a) => ({ seq: a.seq, slot: a.slot, response: a.response, clientAt: a.at ? new Date(a.at) : null })),
		events: b.events.map((e) => ({ kind: e.kind, at: new Date(e.at), detail: e.detail }))
	};
}
