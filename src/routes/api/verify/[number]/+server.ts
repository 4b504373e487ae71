import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { getDb, now } from '#lib/server/runtime.ts';
import { lookupCertificate } from '#lib/server/certificates/verify.ts';
import { certificateConfig } from '#lib/server/certificates/config.ts';
import { beijingIso } from '#lib/domain/dates.ts';

// Public JSON. ?s=<signature> (from the QR code) also returns the signed payload for offline checking.
export const GET: RequestHandler = async ({ params, url, getClientAddress }) => {
	const s = url.searchParams.get('s');
	const result = await lookupCertificate(await getDb(), {
		query: params.number.slice(0, 200),
		signature: s && /^[\w-]{1,200}$/.test(s) ? s : null,
		ip: getClientAddress(),
		now: now(),
		limitPerMinute: certificateConfig().verifyLimitPerMinute
	});
	const headers = { 'cache-control': 'no-store' };
	if (result.kind === 'rate_limited') return json(result, { status: 429, headers: { ...headers, 'retry-after': String(result.retryAfterSeconds) } });
	if (result.kind === 'invalid') return json(result, { status: 400, headers });
	// times in Beijing time (+08:00), whatever the server's TZ
	if (result.kind === 'not_found') return json({ ...result, asOf: beijingIso(result.asOf) }, { status: 404, headers });
	return json({ ...result, asOf: beijingIso(result.asOf), revokedAt: result.revokedAt && beijingIso(result.revokedAt) }, { headers });
};
