import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { exportPeriodSchema } from '#lib/schemas/exchange.ts';
import { buildExport } from '#lib/server/special-ops/exchange/exchange-service.ts';
import { fileJsonAdapter } from '#lib/server/special-ops/exchange/adapter.ts';

// The region's applications, exam results and certificates for a date range, as the versioned JSON (docs/exchange).
export const GET: RequestHandler = async ({ locals, url, getClientAddress }) => {
	const scope = requireRole(locals, 'regulator');
	const parsed = exportPeriodSchema.safeParse({ from: url.searchParams.get('from') ?? '', to: url.searchParams.get('to') ?? '' });
	if (!parsed.success) error(400, parsed.error.issues[0]!.message);
	const bundle = await buildExport(await getDb(), { ...actorOf(scope, { getClientAddress }), regionPath: scope.regionPath, regionCode: scope.regionCode }, parsed.data, now());
	const file = await fileJsonAdapter.deliver(bundle);
	return new Response(file.body, { headers: { 'content-type': 'application/json; charset=utf-8', 'content-disposition': `attachment; filename="${file.filename}"`, 'cache-control': 'no-store' } });
};
