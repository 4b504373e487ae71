import type { PageServerLoad } from './$types';
import { getDb, now } from '#lib/server/runtime.ts';
import { lookupCertificate } from '#lib/server/certificates/verify.ts';
import { certificateConfig } from '#lib/server/certificates/config.ts';

// Public: no login. ?n=<number>&s=<signature> is what the QR code carries.
export const load: PageServerLoad = async ({ url, getClientAddress, setHeaders }) => {
	setHeaders({ 'cache-control': 'no-store' });
	const n = (url.searchParams.get('n') ?? '').slice(0, 200);
	const s = (url.searchParams.get('s') ?? '').slice(0, 200);
	if (!n.trim()) return { query: '', result: null };
	const result = await lookupCertificate(await getDb(), { query: n, signature: /^[\w-]{1,200}$/.test(s) ? s : null, ip: getClientAddress(), now: now(), limitPerMinute: certificateConfig().verifyLimitPerMinute });
	// the full signed payload stays with the API (the offline verifier); the page shows masked data only
	if (result.kind === 'found') return { query: n, result: { ...result, signed: null } };
	return { query: n, result };
};
