// The exam day's and the study day's hot endpoints — autosave, 开始考试, study heartbeat — served
// straight from Node's request, before SvelteKit's pipeline (measured: the framework's request and
// response objects, cookie jar and hook cost the built server more CPU per autosave than the
// autosave's own statement; docs/PERFORMANCE.md "Hot paths").
//
// Only the plain, well-formed call is taken here: POST to the exact path, a JSON body whose length is
// declared and within the route's limit, and a valid session of a learner who need not change the
// password first. Anything else — no cookie, an expired session, another role, a chunked or
// oversized body, a query string — falls through to SvelteKit untouched (the body is not read
// before that decision), which answers it as it always has. What is answered here is what the
// route answers: both call the same reply function (exam-api.ts, study-api.ts), the session check is
// validateSessionToken, the headers are the hook's. ANXUN_HOT_PATHS=0 turns it off.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseCookie, stringifySetCookie } from 'cookie';
import type { Role } from '#lib/domain/labels.ts';
import { idParam } from '#lib/schemas/params.ts';
import { scopeIn, type Scope } from '#lib/server/auth/guards.ts';
import { SESSION_COOKIE, validateSessionToken } from '#lib/server/auth/session.ts';
import { sessionCookieOptions } from '#lib/server/auth/cookie.ts';
import type { Db } from '#lib/server/db/index.ts';
import { syncReply, startReply } from '#lib/server/exams/exam-api.ts';
import { heartbeatReply } from '#lib/server/study/study-api.ts';
import { getDb, now, studyConfig } from '#lib/server/runtime.ts';
import { bodyLimitFor } from './body-limit.ts';
import { unexpectedError, type JsonReply, type RequestFacts } from './json-reply.ts';

type HotRoute = {
	pattern: RegExp;
	/** The SvelteKit route id: its body limit is the route's (body-limit.ts). */
	routeId: string;
	role: Role;
	answer: (db: Db, scope: Scope, id: string | undefined, body: unknown, facts: RequestFacts) => Promise<JsonReply>;
};

const ROUTES: readonly HotRoute[] = [
	{
		pattern: /^\/api\/exam\/attempts\/([0-9]{1,10})\/sync$/,
		routeId: '/api/exam/attempts/[attemptId]/sync',
		role: 'learner',
		answer: (db, scope, id, body, facts) => syncReply(db, scope, id, body, facts, now())
	},
	{
		pattern: /^\/api\/exam\/sessions\/([0-9]{1,10})\/start$/,
		routeId: '/api/exam/sessions/[sessionId]/start',
		role: 'learner',
		answer: (db, scope, id, body, facts) => startReply(db, scope, id, body, facts, now())
	},
	{
		pattern: /^\/api\/study\/heartbeat$/,
		routeId: '/api/study/heartbeat',
		role: 'learner',
		answer: (db, scope, _id, body, facts) => heartbeatReply(db, scope, body, facts, now(), studyConfig())
	}
];

/** Takes the request and answers it (true), or leaves it for SvelteKit (false) without having read its body. */
export type HotPaths = (req: IncomingMessage, res: ServerResponse) => false | Promise<boolean>;

const HOT_PATHS = Symbol.for('anxun.hot-paths');

/** Called from the server hook's init: scripts/serve-http.mjs finds the handler here. */
export function registerHotPaths(env: NodeJS.ProcessEnv = process.env): void {
	(globalThis as Record<symbol, unknown>)[HOT_PATHS] = env.ANXUN_HOT_PATHS === '0' ? undefined : hotPaths;
}

export const hotPaths: HotPaths = (req, res) => {
	if (req.method !== 'POST' || !req.url) return false;
	let route: HotRoute | undefined;
	let match: RegExpExecArray | null = null;
	for (const r of ROUTES) {
		match = r.pattern.exec(req.url);
		if (match) {
			route = r;
			break;
		}
	}
	if (!route || !match) return false;
	// an id out of range is the hook's 404 (页面不存在), not the endpoint's
	if (match[1] !== undefined && idParam(match[1]) === null) return false;
	if (!isJson(req.headers['content-type'])) return false;
	const declared = req.headers['content-length'];
	if (declared === undefined || !/^[0-9]{1,9}$/.test(declared) || req.headers['transfer-encoding']) return false;
	const length = Number(declared);
	if (length > bodyLimitFor(route.routeId, route.role)) return false;
	const token = req.headers.cookie ? parseCookie(req.headers.cookie)[SESSION_COOKIE] : undefined;
	if (!token || token.length > 100) return false;
	return serve(req, res, route, match[1], token, length);
};

async function serve(req: IncomingMessage, res: ServerResponse, route: HotRoute, id: string | undefined, token: string, length: number): Promise<boolean> {
	const facts: RequestFacts = { ip: clientAddress(req), userAgent: req.headers['user-agent'] ?? null };
	let db: Db;
	let signedIn: Awaited<ReturnType<typeof validateSessionToken>>;
	try {
		db = await getDb();
		signedIn = await validateSessionToken(db, token, new Date(), { ip: facts.ip ?? undefined });
	} catch {
		return false; // SvelteKit answers (and logs) it
	}
	if (!signedIn || signedIn.user.mustChangePassword) return false;
	const scope = scopeIn(signedIn.user, route.role);
	if (!scope) return false;
	// From here on the request is ours.
	const headers: Record<string, string | string[]> = {
		'content-type': 'application/json',
		'cache-control': 'no-store',
		'x-content-type-options': 'nosniff',
		'referrer-policy': 'same-origin',
		'x-frame-options': 'DENY',
		// which way the call went: for operators, and for the spec that compares the two ways
		'x-anxun-path': 'hot',
		'set-cookie': stringifySetCookie({ name: SESSION_COOKIE, value: token, ...sessionCookieOptions(signedIn.session.expiresAt) })
	};
	let answer: JsonReply;
	try {
		const body = await readBody(req, length);
		if (body === null) return true; // the client went away
		answer = await route.answer(db, scope, id, body, facts);
	} catch (error) {
		const failure = unexpectedError('POST', req.url ?? '', error);
		answer = { status: failure.status, body: { message: failure.message, errorId: failure.errorId } };
	}
	const text = JSON.stringify(answer.body);
	headers['content-length'] = String(Buffer.byteLength(text));
	res.writeHead(answer.status, headers);
	res.end(text);
	return true;
}

function isJson(type: string | undefined): boolean {
	if (!type) return false;
	const semi = type.indexOf(';');
	return (semi === -1 ? type : type.slice(0, semi)).trim().toLowerCase() === 'application/json';
}

/**
 * The declared number of bytes (Node's parser ends the body there), parsed as JSON: undefined when
 * it is not JSON, null when the connection closed before the body was complete.
 */
function readBody(req: IncomingMessage, length: number): Promise<unknown> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= length) chunks.push(chunk);
		});
		req.on('end', () => {
			if (size !== length) return resolve(null);
			try {
				resolve(length === 0 ? undefined : (JSON.parse(Buffer.concat(chunks, size).toString('utf8')) as unknown));
			} catch {
				resolve(undefined);
			}
		});
		req.on('aborted', () => resolve(null));
		req.on('error', () => resolve(null));
	});
}

// adapter-node's getClientAddress, with the same ADDRESS_HEADER / XFF_DEPTH settings.
const addressHeader = (process.env.ADDRESS_HEADER ?? '').toLowerCase();
const xffDepth = Number.parseInt(process.env.XFF_DEPTH ?? '1', 10);

function clientAddress(req: IncomingMessage): string | null {
	if (!addressHeader) return req.socket.remoteAddress ?? null;
	const value = req.headers[addressHeader];
	if (typeof value !== 'string') return null;
	if (addressHeader !== 'x-forwarded-for') return value;
	const addresses = value.split(',');
	if (xffDepth < 1 || xffDepth > addresses.length) return null;
	return addresses[addresses.length - xffDepth]!.trim();
}
