import { randomUUID } from 'node:crypto';
import { json } from '@sveltejs/kit';
import type { z } from 'zod';
import { describeIssues } from '#lib/schemas/exam.ts';
import { jsonControlCharacterProblem } from './input-guard.ts';

/**
 * What a JSON endpoint answers, before it is a Response: the SvelteKit route turns it into one
 * (replyResponse), the hot-path server (hot-paths.ts) writes it to the Node response. One answer,
 * two ways to send it, so the two can never disagree.
 */
export type JsonReply = { status: number; body: unknown };

export function reply(body: unknown, status = 200): JsonReply {
	return { status, body };
}

/** A refusal with its Chinese reason. */
export function refusal(message: string, status = 400): JsonReply {
	return { status, body: { message } };
}

/** Nothing an exam or study endpoint answers may be cached. */
export function replyResponse(r: JsonReply): Response {
	return json(r.body, { status: r.status, headers: { 'cache-control': 'no-store' } });
}

/**
 * A parsed JSON body (undefined when the body was not JSON) checked for control characters and
 * by the schema: the data, or the 400 that names the field.
 */
export function parseJsonValue<S extends z.ZodType>(value: unknown, schema: S): { ok: true; data: z.infer<S> } | { ok: false; reply: JsonReply } {
	if (value === undefined) return { ok: false, reply: refusal('请求内容须为 JSON') };
	const control = jsonControlCharacterProblem(value);
	if (control) return { ok: false, reply: refusal(control) };
	const parsed = schema.safeParse(value);
	if (!parsed.success) return { ok: false, reply: refusal(describeIssues(parsed.error)) };
	return { ok: true, data: parsed.data };
}

/** The caller's connection as the endpoints record it (IP and user agent). */
export type RequestFacts = { ip: string | null; userAgent: string | null };

export function requestFacts(request: Request, getClientAddress: () => string): RequestFacts {
	let ip: string | null = null;
	try {
		ip = getClientAddress();
	} catch {
		ip = null;
	}
	return { ip, userAgent: request.headers.get('user-agent') };
}

/** An error nobody expected: logged with a short id, answered in Chinese with that id, never a stack. */
export function unexpectedError(method: string, path: string, error: unknown): { status: 500; message: string; errorId: string } {
	const errorId = randomUUID().slice(0, 8);
	console.error(`[错误 ${errorId}] ${method} ${path}`, error);
	return { status: 500, message: `服务器错误，请稍后重试；如仍有问题，请把错误编号 ${errorId} 告诉管理员`, errorId };
}
