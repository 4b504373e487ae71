// One HTTP server process over the adapter-node build (scripts/serve.mjs starts one, or one per
// worker). adapter-node assumes https unless a protocol header says otherwise; we are the
// plain-HTTP listener, so we state it ourselves (a client cannot spoof it: the header is overwritten). Behind a TLS proxy set PROTOCOL_HEADER=x-forwarded-proto.
import http from 'node:http';

const OWN_HEADER = 'x-anxun-protocol';
process.env.PROTOCOL_HEADER ||= OWN_HEADER;
const ownProtocol = process.env.PROTOCOL_HEADER === OWN_HEADER;

// adapter-node refuses request bodies over BODY_SIZE_LIMIT (its default is 512K); lesson videos
// may be 200 MB, and the limit is read when the handler is imported, so set it first.
process.env.BODY_SIZE_LIMIT ||= '210M';

const { handler } = await import('../build/handler.js');

const port = Number(process.env.PORT || 3000);
const host = process.env.HOST || '0.0.0.0';
// When a route answers before reading the whole body (413 over the route's limit, 401/403 before
// an upload), the client is still sending. Closing at once would reset the connection and the
// client would never see the answer; reading on would let it stream forever. So, as web servers
// do, we drop what arrives for a short while (nothing is buffered), then hang up.
const LINGER_MS = 2000;
const LINGER_BYTES = 1024 * 1024;
function lingerOnUnreadBody(req, res) {
	res.on('finish', () => {
		if (req.complete) return;
		let dropped = 0;
		const hangUp = () => req.socket.destroy();
		const timer = setTimeout(hangUp, LINGER_MS);
		timer.unref();
		req.on('data', (chunk) => {
			dropped += chunk.length;
			if (dropped > LINGER_BYTES) {
				clearTimeout(timer);
				hangUp();
			}
		});
		req.on('end', () => clearTimeout(timer));
		req.resume();
	});
}

// The hook's init registered the hot paths (src/lib/server/http/hot-paths.ts): autosave, 开始考试 and
// study heartbeats in their plain, well-formed form are answered there, everything else by SvelteKit.
const hotPaths = globalThis[Symbol.for('anxun.hot-paths')];

const server = http.createServer((req, res) => {
	if (ownProtocol) req.headers[OWN_HEADER] = 'http';
	lingerOnUnreadBody(req, res);
	const kit = () =>
		handler(req, res, () => {
			res.statusCode = 404;
			res.end();
		});
	const taken = hotPaths ? hotPaths(req, res) : false;
	if (taken === false) kit();
	else taken.then((answered) => answered || kit(), kit);
});
// Idle keep-alive connections stay open 75 s (Node's default is 5 s). An exam page autosaves every
// 20–60 s and a study page beats every 30 s: with 5 s each call opened a new connection, which the
// cluster hands to any worker, so the worker's session and attempt caches (session-cache.ts,
// exam.repository.ts) rarely held that browser's entries. Kept open, a browser's calls stay on one
// worker (docs/PERFORMANCE.md, "fourth session"). Idle sockets cost a few kB each; a request's own
// headers and body are still bounded by headersTimeout / requestTimeout, which idle time does not count
// against. ANXUN_KEEPALIVE_MS sets it; behind a proxy keep it above the proxy's upstream idle timeout.
const keepAliveMs = Number(process.env.ANXUN_KEEPALIVE_MS);
server.keepAliveTimeout = Number.isInteger(keepAliveMs) && keepAliveMs >= 1000 && keepAliveMs <= 600_000 ? keepAliveMs : 75_000;
server.listen(port, host, () => console.log(`Listening on http://${host === '0.0.0.0' ? 'localhost' : host}:${port}`));

let stopping = false;
function shutdown(reason) {
	if (stopping) return;
	stopping = true;
	server.closeIdleConnections();
	server.close(() => process.emit('sveltekit:shutdown', reason));
	setTimeout(() => server.closeAllConnections(), 5000).unref();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
