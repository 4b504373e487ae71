import type { Handle, HandleServerError, ServerInit } from '@sveltejs/kit/hooks';
import { getDb, liveSettings, startDatabase } from '#lib/server/runtime.ts';
import { withStreamingOrigin } from '#lib/server/live/csp.ts';
import { SESSION_COOKIE, validateSessionToken } from '#lib/server/auth/session.ts';
import { sessionCookieOptions } from '#lib/server/auth/cookie.ts';
import { startWorker } from '#lib/server/jobs/worker.ts';
import { bodyLimitFor, FORM_BODY_LIMIT, tooLargeMessage } from '#lib/server/http/body-limit.ts';
import { controlCharacterProblem, guardRequest, isIdParamName, readBodyUpTo, type BodyState } from '#lib/server/http/input-guard.ts';
import { idParam } from '#lib/schemas/params.ts';
import { isChineseMessage, statusTitle } from '#lib/domain/http-errors.ts';
import { unexpectedError } from '#lib/server/http/json-reply.ts';
import { registerHotPaths } from '#lib/server/http/hot-paths.ts';

export const init: ServerInit = async () => {
	await startDatabase();
	// Sweeps expired exam attempts and runs queued jobs; ANXUN_WORKER_INTERVAL_MS=0 turns it off.
	startWorker(getDb, Number(process.env.ANXUN_WORKER_INTERVAL_MS ?? 5000));
	// scripts/serve-http.mjs answers the exam and study hot endpoints with these before SvelteKit.
	registerHotPaths();
};

const BODYLESS = new Set(['GET', 'HEAD', 'OPTIONS']);

function escapeHtml(s: string): string {
	return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A refusal answered by the hook itself (the route never runs): JSON for APIs, a short Chinese page otherwise. */
function refuse(request: Request, status: number, message: string): Response {
	const headers: Record<string, string> = { 'cache-control': 'no-store' };
	if (!(request.headers.get('accept') ?? '').includes('text/html')) return Response.json({ message }, { status, headers });
	const title = statusTitle(status);
	const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} - 安训</title></head><body><h1>${title}</h1><p>${escapeHtml(message)}</p><p><a href="/">返回首页</a></p></body></html>`;
	return new Response(html, { status, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/**
 * A form posted from another site (CSRF): SvelteKit's rule — a mutating request whose body a plain
 * HTML form could send (no content type, or a form type) must come from our own origin. The
 * framework's check is turned off in vite.config.ts only so that this answer is in Chinese.
 */
function isCrossSiteForm(request: Request, url: URL): boolean {
	if (!MUTATING.has(request.method)) return false;
	const type = (request.headers.get('content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase();
	if (type && !FORM_TYPES.includes(type)) return false;
	return request.headers.get('origin') !== url.origin;
}

/** The problem with the request's URL or headers, answered before anything reads the body. */
function checkRequest(event: Parameters<Handle>[0]['event'], limit: number): Response | null {
	if (isCrossSiteForm(event.request, event.url)) return refuse(event.request, 403, '拒绝来自其他网站的表单提交（请在本平台页面上操作）');
	const problem = controlCharacterProblem(event.url, event.params);
	if (problem) return refuse(event.request, 400, problem);
	for (const [name, value] of Object.entries(event.params)) {
		if (isIdParamName(name) && idParam(value) === null) return refuse(event.request, 404, '页面不存在');
	}
	if (BODYLESS.has(event.request.method)) return null;
	const declared = event.request.headers.get('content-length');
	if (declared !== null && !/^\d+$/.test(declared.trim())) return refuse(event.request, 400, '请求头 Content-Length 不正确');
	if (declared !== null && Number(declared) > limit) return refuse(event.request, 413, tooLargeMessage(limit));
	return null;
}

function methodNotAllowed(request: Request, response: Response): Response {
	const refused = refuse(request, 405, `此地址不支持 ${request.method} 请求`);
	const allow = response.headers.get('allow');
	if (allow) refused.headers.set('allow', allow);
	return refused;
}

/** Nothing a signed-in user sees may be kept by the browser or a proxy (Back after 退出 must not show it). */
function isPrivate(event: Parameters<Handle>[0]['event'], hadCookie: boolean, response: Response): boolean {
	return !!event.locals.session || hadCookie || response.headers.has('set-cookie') || event.url.pathname === '/login' || event.url.pathname === '/logout';
}

function withHeaders(response: Response, privateResponse: boolean, fileRoute: boolean): Response {
	let r = response;
	try {
		r.headers.set('X-Content-Type-Options', 'nosniff');
	} catch {
		r = new Response(response.body, response); // immutable headers (e.g. Response.redirect)
		r.headers.set('X-Content-Type-Options', 'nosniff');
	}
	r.headers.set('Referrer-Policy', 'same-origin');
	// Lesson PDFs are shown in an <object> on our own pages; nothing else may be framed.
	r.headers.set('X-Frame-Options', fileRoute ? 'SAMEORIGIN' : 'DENY');
	if (privateResponse) {
		const cc = r.headers.get('cache-control') ?? '';
		const revalidated = /\bprivate\b/.test(cc) && /\bno-cache\b/.test(cc);
		if (!/\bno-store\b/.test(cc) && !revalidated) r.headers.set('cache-control', 'private, no-store');
	}
	return r;
}

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const result = token.length <= 100 ? await validateSessionToken(await getDb(), token, new Date(), { ip: event.getClientAddress() }) : null;
		if (result) {
			event.locals.user = result.user;
			event.locals.session = result.session;
			event.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(result.session.expiresAt));
		} else {
			event.cookies.delete(SESSION_COOKIE, { path: '/' });
		}
	}
	const fileRoute = event.route.id === '/files/[id]';
	// The session is known before any of the body is read, so only its roles get large limits.
	const limit = bodyLimitFor(event.route.id, event.locals.user?.membership?.role ?? null);
	const refused = checkRequest(event, limit);
	if (refused) return withHeaders(refused, true, fileRoute);
	// Routes read the body through the guard (the event's request is read-only, so resolve gets a copy).
	const body: BodyState = { limit, exceeded: false };
	let request = event.request;
	if (!BODYLESS.has(request.method) && request.body && !request.headers.has('content-length') && limit <= FORM_BODY_LIMIT) {
		// A chunked body under a small limit is read here, so every route answers 413 alike (even
		// one that would refuse the caller without reading it); larger limits are counted while streaming.
		const bytes = await readBodyUpTo(request, limit);
		if (bytes === 'too-large') return withHeaders(refuse(request, 413, tooLargeMessage(limit)), true, fileRoute);
		if (bytes === 'broken') return withHeaders(refuse(request, 400, '请求内容未完整收到'), true, fileRoute);
		request = new Request(request.url, { method: request.method, headers: request.headers, body: bytes as Uint8Array<ArrayBuffer> });
	}
	const response = await resolve(BODYLESS.has(request.method) ? event : { ...event, request: guardRequest(request, limit, body) });
	// The unread rest of a refused body is dropped by scripts/serve.mjs (lingerOnUnreadBody).
	// An endpoint without a handler for the method: the framework's 405 text is English.
	const answered = response.status === 405 ? methodNotAllowed(request, response) : response;
	const csp = withStreamingOrigin(event.route.id, answered.headers.get('content-security-policy'), liveSettings().server?.playUrl ?? null);
	if (csp) answered.headers.set('content-security-policy', csp);
	return withHeaders(answered, isPrivate(event, !!token, response), fileRoute);
};

/** Errors thrown with error() keep their (Chinese) message; everything else gets a Chinese one, never a stack. */
export const handleError: HandleServerError = ({ kind, error, event }) => {
	if (kind === 'app') return;
	if (kind === 'framework') return { message: isChineseMessage(error.message) ? error.message : statusTitle(error.status) };
	if (kind === 'validation') return { message: '请求参数不正确' };
	return unexpectedError(event.request.method, event.url.pathname, error);
};
