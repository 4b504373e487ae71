import { createHmac, timingSafeEqual } from 'node:crypto';

// Signed playback addresses. The streaming server asks Anxun (nginx auth_request) before it serves
// a playlist (.m3u8) or a replay (.mp4); Anxun answers from the signature alone (no database):
// HMAC-SHA256 over the file name, the viewer and the expiry, with the callback secret. The address
// is issued only to someone in the audience (or the console), names the viewer, and expires.
// Segments (.ts) stay static files: their names are only found in a signed playlist and nginx
// deletes them within a minute (hls_cleanup).

const sign = (secret: string, name: string, viewer: string, exp: number) => createHmac('sha256', secret).update(`${name}|${viewer}|${exp}`).digest('base64url').slice(0, 32);

/** `?t=<viewer>.<expiry seconds>.<signature>` for /hls/<name>.m3u8 or /rec/<name>. */
export function playToken(secret: string, name: string, viewer: string, expiresAt: Date): string {
	const exp = Math.floor(expiresAt.getTime() / 1000);
	return `${viewer}.${exp}.${sign(secret, name, viewer, exp)}`;
}

/** Until when a live playlist address works: the class's end + 30 min, at least 30 min from now. */
export function livePlayExpiry(endsAt: Date, now: Date): Date {
	return new Date(Math.max(endsAt.getTime(), now.getTime()) + 30 * 60_000);
}

/** Until when a replay address works: 4 hours (the page issues a new one on each visit). */
export function replayPlayExpiry(now: Date): Date {
	return new Date(now.getTime() + 4 * 3600_000);
}

/**
 * The streaming server's question: may the request `uri` (as nginx's $request_uri) be served?
 * Only /hls/<name>.m3u8 and /rec/<name>.mp4 with a valid, unexpired token.
 */
export function playRequestAllowed(secret: string, uri: string, now: Date): boolean {
	const m = /^\/(?:hls\/([A-Za-z0-9_-]{1,100})\.m3u8|rec\/([A-Za-z0-9_-]{1,100}\.mp4))\?(?:.*&)?t=([A-Za-z0-9_]{1,24})\.(\d{1,12})\.([A-Za-z0-9_-]{32})(?:&.*)?$/.exec(uri);
	if (!m) return false;
	const name = m[1] ?? m[2]!;
	const [viewer, expText, sig] = [m[3]!, m[4]!, m[5]!];
	const exp = Number(expText);
	if (!(exp * 1000 > now.getTime())) return false;
	const want = Buffer.from(sign(secret, name, viewer, exp));
	const got = Buffer.from(sig);
	return want.length === got.length && timingSafeEqual(want, got);
}

/** The signed playlist and replay addresses of a class for one viewer (p<person id> or u<user id>). */
export function playUrls(
	server: { playUrl: string; callbackSecret: string },
	cls: { playback_name: string; replay_file: string | null; ends_at: Date },
	viewer: string,
	now: Date
): { hlsUrl: string; replayUrl: string | null } {
	const live = playToken(server.callbackSecret, cls.playback_name, viewer, livePlayExpiry(cls.ends_at, now));
	return {
		hlsUrl: `${server.playUrl}/hls/${cls.playback_name}.m3u8?t=${live}`,
		replayUrl: cls.replay_file ? `${server.playUrl}/rec/${cls.replay_file}?t=${playToken(server.callbackSecret, cls.replay_file, viewer, replayPlayExpiry(now))}` : null
	};
}
