import type { Handle, ServerInit } from '@sveltejs/kit/hooks';
import { getDb, startDatabase } from '#lib/server/runtime.ts';
import { SESSION_COOKIE, validateSessionToken } from '#lib/server/auth/session.ts';
import { sessionCookieOptions } from '#lib/server/auth/cookie.ts';
import { startWorker } from '#lib/server/jobs/worker.ts';

export const init: ServerInit = async () => {
	await startDatabase();
	// Sweeps expired exam attempts and runs queued jobs; ANXUN_WORKER_INTERVAL_MS=0 turns it off.
	startWorker(getDb, Number(process.env.ANXUN_WORKER_INTERVAL_MS ?? 5000));
};

export const handle: Handle = async ({ event, resolve }) => {
	event.locals.user = null;
	event.locals.session = null;
	const token = event.cookies.get(SESSION_COOKIE);
	if (token) {
		const result = token.length <= 100 ? await validateSessionToken(await getDb(), token, new Date()) : null;
		if (result) {
			event.locals.user = result.user;
			event.locals.session = result.session;
			event.cookies.set(SESSION_COOKIE, token, sessionCookieOptions(result.session.expiresAt));
		} else {
			event.cookies.delete(SESSION_COOKIE, { path: '/' });
		}
	}
	const response = await resolve(event);
	response.headers.set('X-Content-Type-Options', 'nosniff');
	response.headers.set('Referrer-Policy', 'same-origin');
	response.headers.set('X-Frame-Options', 'DENY');
	return response;
};
