import type { Db } from '../db/index.ts';
import { shanghaiDate } from '../../domain/dates.ts';
import { describeDefinition, ratePercent, rateStatus, type RateStatus } from './target.ts';
import { findTargetForRegion, listTargetsForRegion, type TargetRow } from './targets.repository.ts';
import {
	countsAtNode,
	countsByChildNode,
	codeNames,
	countsByIndustry,
	countsByOrgAtNode,
	countsByRole,
	findNodeInScope,
	listGaps,
	monthlyTrend,
	nodeTrail,
	type RegionNode
} from './coverage.query.ts';

// Use cases behind the regulator's coverage pages: the scope check (node inside the caller's
// region) happens here, once, for pages, exports and the JSON endpoint alike.

export type RegulatorScope = { regionCode: string; regionPath: string };

export type TargetSummary = {
	id: number;
	code: string;
	title: string;
	regionName: string;
	periodStart: string;
	periodEnd: string;
	deadline: string;
	goalPercent: number;
	sourceDoc: string;
	sourceClause: string;
	note: string | null;
	population: string;
	requirement: string;
	required: number;
	covered: number;
	rate: number | null;
	status: RateStatus;
};

export function summarise(t: TargetRow, c: { required: number; covered: number } | undefined, today: string, n: Awaited<ReturnType<typeof codeNames>>): TargetSummary {
	const required = c?.required ?? 0;
	const covered = c?.covered ?? 0;
	const d = describeDefinition(t.definition, n);
	return {
		id: t.id,
		code: t.code,
		title: t.title,
		regionName: t.region_name,
		periodStart: t.period_start,
		periodEnd: t.period_end,
		deadline: t.deadline,
		goalPercent: t.goal_percent,
		sourceDoc: t.source_doc,
		sourceClause: t.source_clause,
		note: t.note,
		population: d.population,
		requirement: d.requirement,
		required,
		covered,
		rate: ratePercent(covered, required),
		status: rateStatus({ covered, required, goalPercent: t.goal_percent, periodStart: t.period_start, deadline: t.deadline, today })
	};
}

/** Every target concerning the caller's region, with its rate at `nodeCode` (default: the whole region). */
export async function loadTargetOverview(db: Db, scope: RegulatorScope, now: Date, nodeCode = scope.regionCode) {
	const node = await findNodeInScope(db, nodeCode, scope.regionPath);
	if (!node) return undefined;
	const targets = await listTargetsForRegion(db, scope.regionPath);
	const counts = await countsAtNode(db, targets.map((t) => t.id), node.code);
	const n = await codeNames(db);
	const today = shanghaiDate(now);
	return { node, targets: targets.map((t) => summarise(t, counts.get(t.id), today, n)) };
}

/** One target at one node: children, organisations, breakdowns, trend and the first gaps. */
export async function loadNodeDashboard(db: Db, scope: RegulatorScope, targetId: number, nodeCode: string, now: Date, gapLimit = 50) {
	const node: RegionNode | undefined = await findNodeInScope(db, nodeCode, scope.regionPath);
	if (!node) return undefined;
	const target = await findTargetForRegion(db, targetId, scope.regionPath);
	if (!target) return undefined;
	const today = shanghaiDate(now);
	const counts = (await countsAtNode(db, [target.id], node.code)).get(target.id) ?? { required: 0, covered: 0 };
	const [children, orgs, industries, roles, gaps, trail, n] = await Promise.all([
		countsByChildNode(db, target.id, node.code),
		countsByOrgAtNode(db, target.id, node.code),
		countsByIndustry(db, target.id, node.code),
		countsByRole(db, target.id, node.code),
		listGaps(db, { targetId: target.id, regionPath: node.path, limit: gapLimit }),
		nodeTrail(db, node, scope.regionPath),
		codeNames(db)
	]);
	const until = today < target.period_end ? today : target.period_end;
	const trend = await monthlyTrend(db, target.id, node.code, target.period_start, until, counts.required);
	return { target: summarise(target, counts, today, n), node, trail, children, orgs, industries, roles, trend, gaps };
}
