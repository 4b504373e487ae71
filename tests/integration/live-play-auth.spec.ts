import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { liveServerAvailable, startLiveServer } from '../../scripts/live-server.mjs';
import { playRequestAllowed, playToken, playUrls } from '../../src/lib/server/live/play-token.ts';

// The playlist address is not guessable by someone outside the audience: the real nginx asks
// Anxun (auth_request) before serving a .m3u8 or a replay .mp4, and Anxun checks the signature.
// The app's callback route calls playRequestAllowed with the same arguments as the stand-in below.
const SECRET = 'test-secret-0123456789abcdef';
const NOW = new Date('2026-12-10T02:00:00Z');

describe('signed playback addresses', () => {
	it('accepts only a valid, unexpired signature for that file', () => {
		const t = playToken(SECRET, 'cabc', 'p7', new Date(NOW.getTime() + 60_000));
		expect(playRequestAllowed(SECRET, `/hls/cabc.m3u8?t=${t}`, NOW)).toBe(true);
		expect(playRequestAllowed(SECRET, '/hls/cabc.m3u8', NOW)).toBe(false); // unsigned: the guessed address
		expect(playRequestAllowed(SECRET, `/hls/cother.m3u8?t=${t}`, NOW)).toBe(false); // another class
		expect(playRequestAllowed(SECRET, `/hls/cabc.m3u8?t=${t.replace('p7', 'p8')}`, NOW)).toBe(false); // another viewer
		expect(playRequestAllowed('another-secret-0123456789', `/hls/cabc.m3u8?t=${t}`, NOW)).toBe(false);
		expect(playRequestAllowed(SECRET, `/hls/cabc.m3u8?t=${t}`, new Date(NOW.getTime() + 61_000))).toBe(false); // expired
		expect(playRequestAllowed(SECRET, `/hls/../rec/x.flv?t=${t}`, NOW)).toBe(false);
		const urls = playUrls({ playUrl: 'http://h:1', callbackSecret: SECRET }, { playback_name: 'cabc', replay_file: 'cabc-1.mp4', ends_at: NOW }, 'p7', NOW);
		expect(playRequestAllowed(SECRET, new URL(urls.hlsUrl).pathname + new URL(urls.hlsUrl).search, NOW)).toBe(true);
		expect(playRequestAllowed(SECRET, new URL(urls.replayUrl!).pathname + new URL(urls.replayUrl!).search, NOW)).toBe(true);
	});

	describe.skipIf(!liveServerAvailable())('through nginx (auth_request to Anxun)', () => {
		let anxun: http.Server;
		let live: Awaited<ReturnType<typeof startLiveServer>>;
		const base = 'http://127.0.0.1:18090';

		beforeAll(async () => {
			// stands in for Anxun's /api/live/rtmp/<secret>/play (same check, real clock)
			anxun = http.createServer((req, res) => {
				const ok = req.url === `/api/live/rtmp/${SECRET}/play` && playRequestAllowed(SECRET, String(req.headers['x-original-uri'] ?? ''), new Date());
				res.writeHead(ok ? 204 : 403).end();
			});
			await new Promise<void>((r) => anxun.listen(0, '127.0.0.1', () => r()));
			const port = (anxun.address() as AddressInfo).port;
			live = await startLiveServer({ rtmpPort: 19360, httpPort: 18090, anxunUrl: `http://127.0.0.1:${port}`, secret: SECRET });
			writeFileSync(join(live.dir, 'hls', 'cplay.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:2\ncplay-0.ts\n');
			writeFileSync(join(live.dir, 'hls', 'cplay-0.ts'), 'segment');
			writeFileSync(join(live.dir, 'rec', 'cplay-1.mp4'), 'mp4');
		}, 30_000);
		afterAll(async () => {
			await live?.stop();
			anxun?.close();
		});

		it('an outsider (no or a forged signature) gets 403; the audience member gets the playlist; segments stay static', async () => {
			expect((await fetch(`${base}/hls/cplay.m3u8`)).status).toBe(403);
			expect((await fetch(`${base}/hls/cplay.m3u8?t=p1.9999999999.${'A'.repeat(32)}`)).status).toBe(403);
			const good = playToken(SECRET, 'cplay', 'p1', new Date(Date.now() + 60_000));
			const ok = await fetch(`${base}/hls/cplay.m3u8?t=${good}`);
			expect(ok.status).toBe(200);
			expect(await ok.text()).toContain('cplay-0.ts');
			const expired = playToken(SECRET, 'cplay', 'p1', new Date(Date.now() - 1000));
			expect((await fetch(`${base}/hls/cplay.m3u8?t=${expired}`)).status).toBe(403);
			expect((await fetch(`${base}/hls/cplay-0.ts`)).status).toBe(200);
			// replays too
			expect((await fetch(`${base}/rec/cplay-1.mp4`)).status).toBe(403);
			expect((await fetch(`${base}/rec/cplay-1.mp4?t=${playToken(SECRET, 'cplay-1.mp4', 'p1', new Date(Date.now() + 60_000))}`)).status).toBe(200);
		});
	});
});
