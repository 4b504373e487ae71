import { roleCategoryLabel } from '../../domain/labels.ts';
import { ratePercent } from '../coverage/target.ts';

// Pure rules of a 督办 notice: how a gap is worded, when it counts as closed, the prefilled text.
// No database, no clock: dates come in as arguments.

export type RoleCounts = { role: string; required: number; covered: number };
export type Gap = { required: number; covered: number; byRole: RoleCounts[] };


/** "40%（2/5）"; "—" when nobody is required. */
export function formatRate(covered: number, required: number): string {
	const rate = ratePercent(covered, required);
	return rate === null ? '—' : `${rate}%（${covered}/${required}）`;
}

/** The role categories still below the goal, e.g. "主要负责人覆盖率 40%（2/5）、实际控制人覆盖率 0%（0/1）". */
export function describeRoles(gap: Gap, goalPercent: number): string {
	const below = gap.byRole.filter((r) => r.required > 0 && !meetsGoal(r, goalPercent));
	const shown = below.length ? below : gap.byRole.filter((r) => r.required > 0);
	return shown.map((r) => `${roleCategoryLabel(r.role)}覆盖率 ${formatRate(r.covered, r.required)}`).join('、');
}

/**
 * The one line an enterprise reads about itself, e.g.
 * "贵单位主要负责人覆盖率 40%（2/5），低于目标 100%，请于 2026-12-31 前完成。"
 */
export function describeGap(gap: Gap, goalPercent: number, deadline: string): string {
	const roles = describeRoles(gap, goalPercent) || `覆盖率 ${formatRate(gap.covered, gap.required)}`;
	return `贵单位${roles}，低于目标 ${goalPercent}%，请于 ${deadline} 前完成。`;
}

export function meetsGoal(c: { required: number; covered: number }, goalPercent: number): boolean {
	// integers only: covered / required ≥ goal / 100
	return c.required === 0 || c.covered * 100 >= goalPercent * c.required;
}

export type GapState = 'closed' | 'open' | 'none';
export const GAP_STATE_LABELS: Record<GapState, string> = { closed: '已整改', open: '未整改', none: '无应覆盖人员' };

/** Closed ("已整改") when the enterprise now meets the goal; "none" when it has nobody left to cover. */
export function gapState(now: { required: number; covered: number }, goalPercent: number): GapState {
	if (now.required === 0) return 'none';
	return meetsGoal(now, goalPercent) ? 'closed' : 'open';
}

/** The form's prefilled title and body. */
export function defaultNoticeText(targetTitle: string, goalPercent: number, deadline: string): { title: string; body: string } {
	return {
		title: `关于${targetTitle}未达标的督办通知`.slice(0, 100),
		body:
			`经核查，贵单位“${targetTitle}”培训覆盖率低于目标 ${goalPercent}%（各单位情况见通知附带的本单位数据）。` +
			`请于 ${deadline} 前组织未覆盖人员完成培训，并在安训平台签收本通知、说明整改安排。`
	};
}

/** A default deadline: the target's deadline while it is at least 7 days away, else 30 days from today. */
export function defaultDeadline(targetDeadline: string, today: string): string {
	const plus = (d: string, days: number) => new Date(Date.parse(`${d}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
	return targetDeadline >= plus(today, 7) ? targetDeadline : plus(today, 30);
}
