import { error, text } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDb, liveSettings, now } from '#lib/server/runtime.ts';
import { callbackSecretOk, checkPublish, publishDone, recordDone } from '#lib/server/live/live-service.ts';
import { playRequestAllowed } from '#lib/server/live/play-token.ts';

// The streaming server's callbacks (nginx-rtmp on_publish / on_publish_done / on_record_done,
// notify_method get; nginx-rtmp appends its own "?args" to the URL, so the secret is a path
// segment). Only a caller holding ANXUN_LIVE_CALLBACK_SECRET is heard; nginx-rtmp
// refuses the publish on any answer other than 2xx.
export const GET: RequestHandler = async ({ params, url, request }) => {
	const { server } = liveSettings();
	if (!callbackSecretOk(server, params.secret)) error(403, '回调未授权');
	// nginx auth_request before a playlist or replay is served: the signature decides, no database
	if (params.call === 'play') {
		const uri = (request.headers.get('x-original-uri') ?? '').slice(0, 600);
		return playRequestAllowed(server!.callbackSecret, uri, now()) ? new Response(null, { status: 204 }) : text('forbidden', { status: 403 });
	}
	const q = url.searchParams;
	const name = (q.get('name') ?? '').slice(0, 100);
	const addr = (q.get('addr') ?? '').slice(0, 64) || null;
	const db = await getDb();
	switch (params.call) {
		case 'publish': {
			const r = await checkPublish(db, { name, key: (q.get('key') ?? '').slice(0, 100), addr }, now());
			return r.ok ? text('ok') : text(r.reason, { status: 403 });
		}
		case 'publish-done':
			await publishDone(db, { name, addr }, now());
			return text('ok');
		case 'record-done': {
			// remuxing takes a while; nginx does not wait for it
			void recordDone(db, server!, { name, path: (q.get('path') ?? '').slice(0, 500) }, now()).catch((e) => console.error('live replay:', e));
			return text('ok');
		}
		default:
			error(404, '没有这个回调');
	}
};
