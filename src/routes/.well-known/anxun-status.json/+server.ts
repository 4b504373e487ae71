import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDb, now } from '#lib/server/runtime.ts';
import { currentStatusList } from '#lib/server/certificates/issue-service.ts';

// The signed revocation bitstring, republished on every revocation.
export const GET: RequestHandler = async () => {
	return json(await currentStatusList(await getDb(), now()), { headers: { 'cache-control': 'public, max-age=60', 'access-control-allow-origin': '*' } });
};
