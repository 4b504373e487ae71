import { createHash } from 'node:crypto';
import type { ClientInfo } from './heartbeat.ts';

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
	let ip: string | null = null;
	try {
		ip = getClientAddress();
	} catch {
		ip = null;
	}
	const ua = request.headers.get('user-agent') ?? '';
	return { ip, device: ua ? createHash('sha256').update(ua).digest('hex').slice(0, 16) : null };
}
