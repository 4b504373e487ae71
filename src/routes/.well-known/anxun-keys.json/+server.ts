import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDb, now } from '#lib/server/runtime.ts';
import { listPublishedKeys } from '#lib/server/certificates/keys.ts';

// Every issuer's public keys, retired ones included (they still verify what they signed).
export const GET: RequestHandler = async () => {
	return json(await listPublishedKeys(await getDb(), now()), { headers: { 'cache-control': 'public, max-age=300', 'access-control-allow-origin': '*' } });
};
