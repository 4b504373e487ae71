// The live pages load HLS playlists and segments (hls.js: fetch/XHR → connect-src; the <video>
// element → media-src) from the streaming server, whose origin is known only at run time; the
// CSP in vite.config.ts is fixed at build time. Only the live pages get the extra origin.

// Links to these pages use data-sveltekit-reload: after a client-side navigation the document
// would keep the CSP of the page it came from.
const LIVE_ROUTES = new Set(['/learner/live/[id]', '/institution/live/[id]']);

export function withStreamingOrigin(routeId: string | null, csp: string | null, playUrl: string | null): string | null {
	if (!csp || !playUrl || !routeId || !LIVE_ROUTES.has(routeId)) return null;
	let origin: string;
	try {
		origin = new URL(playUrl).origin;
	} catch {
		return null;
	}
	return csp.replace(/\b(media-src|connect-src)([^;]*)/g, (_m, d: string, rest: string) => `${d}${rest} ${origin}`);
}
