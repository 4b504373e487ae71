import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { idParam } from '#lib/schemas/params.ts';
import { listGaps, type GapRow } from '#lib/server/coverage/coverage.query.ts';
import { listTargetsForOrg } from '#lib/server/coverage/targets.repository.ts';
import { GAP_COLUMNS, gapCells } from '#lib/server/coverage/exports.ts';
import { pagedRows, streamXlsx, xlsxResponse } from '#lib/server/coverage/xlsx-stream.ts';

export const GET: RequestHandler = async ({ locals, url }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const targetId = idParam(url.searchParams.get('target') ?? '');
	const db = await getDb();
	const target = targetId ? (await listTargetsForOrg(db, scope.orgId)).find((t) => t.id === targetId) : undefined;
	if (!target) error(404, '没有这个目标');
	const rows = pagedRows<GapRow>((after) => listGaps(db, { targetId: target.id, orgId: scope.orgId, afterPersonId: after?.person_id, limit: 2000 }), gapCells);
	return xlsxResponse(streamXlsx('未覆盖人员', GAP_COLUMNS, rows), `未覆盖人员-${target.code}-${now().toISOString().slice(0, 10)}.xlsx`);
};
