import { requestFacts } from '#lib/server/http/json-reply.ts';
import type { ClientInfo } from './heartbeat.ts';
import { clientInfoOf } from './study-api.ts';

/** The JSON body, or null when it is not JSON (zod then reports the bad request). */
export async function readJson(request: Request): Promise<unknown> {
	if (Number(request.headers.get('content-length') ?? 0) > 4096) return null;
	try {
		return await request.json();
	} catch {
		return null;
	}
}

/** IP and a short fingerprint of the user agent: evidence for "many persons on one device". */
export function clientInfo(request: Request, getClientAddress: () => string): ClientInfo {
	return clientInfoOf(requestFacts(request, getClientAddress));
}
