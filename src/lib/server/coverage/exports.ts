import type { Db } from '../db/index.ts';
import { roleCategoryLabel } from '../../domain/labels.ts';
import { findTargetForRegion } from './targets.repository.ts';
import { countsByChildNode, countsByOrgAtNode, findNodeInScope, findOrgInScope, listGaps, listOrgPersons, type GapRow } from './coverage.query.ts';
import { pagedRows, streamXlsx } from './xlsx-stream.ts';
import { ratePercent } from './target.ts';

export type ExportTable = 'gaps' | 'children' | 'orgs' | 'persons';

const missing = (g: { study_missing: boolean; exam_missing: boolean; certificate_missing: boolean }) =>
	[g.study_missing ? '未完成培训' : '', g.exam_missing ? '未通过考试' : '', g.certificate_missing ? '无有效证书' : ''].filter(Boolean).join('、');

export const GAP_COLUMNS = [
	{ header: '姓名', width: 10 },
	{ header: '身份证号（脱敏）', width: 22 },
	{ header: '手机（脱敏）', width: 14 },
	{ header: '人员类别', width: 16 },
	{ header: '单位', width: 30 },
	{ header: '区域', width: 14 },
	{ header: '缺少', width: 24 }
];

export function gapCells(g: GapRow): (string | number | null)[] {
	return [g.name, g.id_masked, g.mobile_masked, roleCategoryLabel(g.role_category), g.org_name, g.region_name, missing(g)];
}

/** Streams one coverage table of a node (or one organisation) the caller may see as .xlsx. */
export async function exportCoverageTable(db: Db, scope: { regionPath: string }, q: { targetId: number; node: string; table: ExportTable; orgId?: number }, now: Date) {
	const node = await findNodeInScope(db, q.node, scope.regionPath);
	const target = node ? await findTargetForRegion(db, q.targetId, scope.regionPath) : undefined;
	if (!node || !target) return undefined;
	const stamp = now.toISOString().slice(0, 10);
	if (q.table === 'gaps') {
		const rows = pagedRows<GapRow>((after) => listGaps(db, { targetId: target.id, regionPath: node.path, afterPersonId: after?.person_id, limit: 2000 }), gapCells);
		return { body: streamXlsx('未覆盖人员', GAP_COLUMNS, rows), filename: `未覆盖人员-${node.name}-${target.code}-${stamp}.xlsx` };
	}
	if (q.table === 'persons') {
		if (!q.orgId) return undefined;
		const org = await findOrgInScope(db, q.orgId, scope.regionPath);
		if (!org) return undefined;
		const persons = await listOrgPersons(db, target.id, org.id);
		const rows = (async function* () {
			for (const p of persons) yield [...gapCells(p).slice(0, 6), p.covered ? `已覆盖 ${p.covered_on ?? ''}` : `缺少：${missing(p)}`];
		})();
		return { body: streamXlsx('人员', [...GAP_COLUMNS.slice(0, 6), { header: '状态', width: 24 }], rows), filename: `覆盖情况-${org.name}-${target.code}-${stamp}.xlsx` };
	}
	const list = q.table === 'children' ? await countsByChildNode(db, target.id, node.code) : await countsByOrgAtNode(db, target.id, node.code, 100_000);
	const rows = (async function* () {
		for (const r of list) yield [r.name, r.required, r.covered, r.required - r.covered, ratePercent(r.covered, r.required)];
	})();
	const cols = [{ header: q.table === 'children' ? '区域' : '单位', width: 30 }, { header: '应覆盖' }, { header: '已覆盖' }, { header: '未覆盖' }, { header: '覆盖率（%）' }];
	return { body: streamXlsx(q.table === 'children' ? '下级区域' : '单位', cols, rows), filename: `覆盖率-${node.name}-${target.code}-${stamp}.xlsx` };
}
