import { error } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { coverageParams } from '#lib/server/coverage/params.ts';
import { idParam } from '#lib/schemas/params.ts';
import { exportCoverageTable, type ExportTable } from '#lib/server/coverage/exports.ts';
import { xlsxResponse } from '#lib/server/coverage/xlsx-stream.ts';

const TABLES: ExportTable[] = ['gaps', 'children', 'orgs', 'persons'];

export const GET: RequestHandler = async ({ locals, params, url }) => {
	const scope = requireRole(locals, 'regulator');
	const p = coverageParams(params.id, url.searchParams.get('node') ?? scope.regionCode);
	const table = url.searchParams.get('table') as ExportTable;
	if (!p || !TABLES.includes(table)) error(404, '没有这个导出');
	const orgParam = url.searchParams.get('org');
	const orgId = orgParam ? (idParam(orgParam) ?? undefined) : undefined;
	if (orgParam && !orgId) error(404, '没有这个导出');
	const result = await exportCoverageTable(await getDb(), scope, { targetId: p.targetId, node: p.node, table, orgId }, now());
	if (!result) error(404, '辖区内没有这个目标或区域');
	return xlsxResponse(result.body, result.filename);
};
