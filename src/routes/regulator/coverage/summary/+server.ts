import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { z } from 'zod';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { loadTargetOverview } from '#lib/server/coverage/dashboard.ts';
import { countsByChildNode } from '#lib/server/coverage/coverage.query.ts';
import { ratePercent } from '#lib/server/coverage/target.ts';
import { renderCoverageSummaryPdf } from '#lib/server/coverage/summary-pdf.ts';

const nodeSchema = z.string().regex(/^[0-9A-Z]{6,9}$/);

/** One-page PDF summary of a region (the caller's or one below it). */
export const GET: RequestHandler = async ({ locals, url }) => {
	const scope = requireRole(locals, 'regulator');
	const node = nodeSchema.safeParse(url.searchParams.get('node') ?? scope.regionCode);
	if (!node.success) error(404, '辖区内没有这个区域');
	const db = await getDb();
	const at = now();
	const overview = await loadTargetOverview(db, scope, at, node.data);
	if (!overview) error(404, '辖区内没有这个区域');
	const targets = [];
	for (const t of overview.targets) {
		const children = await countsByChildNode(db, t.id, overview.node.code);
		const worstChildren = children
			.map((c) => ({ name: c.name, rate: ratePercent(c.covered, c.required) }))
			.sort((a, b) => (a.rate ?? 101) - (b.rate ?? 101))
			.slice(0, 3);
		targets.push({ ...t, worstChildren });
	}
	const body = await renderCoverageSummaryPdf({ regionName: overview.node.name, generatedAt: at, targets });
	return new Response(new Uint8Array(body), {
		headers: {
			'content-type': 'application/pdf',
			'content-disposition': `attachment; filename="coverage-${overview.node.code}.pdf"; filename*=UTF-8''${encodeURIComponent(`培训覆盖汇总-${overview.node.name}.pdf`)}`,
			'cache-control': 'private, no-store'
		}
	});
};
