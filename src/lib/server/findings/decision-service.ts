import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { chinaDate } from '../../schemas/person.ts';
import { listFindings, RULES, type Finding, type RuleCode } from './findings.query.ts';
import { insertDecisions, listDecisionHistory, listLatestDecisions, lockFindings, type DecisionRow, type DecisionStatus } from './decisions.repository.ts';

// Working through findings: a finding (computed by a rule) gets a status from the append-only
// decisions recorded against its key. A regulator decides only on findings its own region's rules
// produce — the key is looked up among them, so a key from another region is simply not found.

export type FindingStatus = 'pending' | DecisionStatus;
export const STATUS_LABELS: Record<FindingStatus, string> = {
	pending: '待处理',
	handled: '已处理',
	dismissed: '已驳回',
	supervised: '已督办',
	rectified: '已整改'
};

export type FindingWithStatus = Finding & { status: FindingStatus; history: DecisionRow[] };
export type FindingGroup = {
	key: string;
	label: string;
	rule: RuleCode;
	score: number;
	findings: FindingWithStatus[];
	counts: Partial<Record<FindingStatus, number>>;
};

export type RegulatorActor = ScopedActor & { regionPath: string };
export type EnterpriseActor = ScopedActor;

const ruleOfKey = (key: string): RuleCode | null => {
	const rule = key.split(':', 1)[0]!;
	return rule in RULES ? (rule as RuleCode) : null;
};

async function withStatus(db: Db, findings: Finding[]): Promise<FindingWithStatus[]> {
	const keys = findings.map((f) => f.key);
	const history = await listDecisionHistory(db, keys);
	const byKey = new Map<string, DecisionRow[]>();
	for (const h of history) byKey.set(h.finding_key, [...(byKey.get(h.finding_key) ?? []), h]);
	return findings.map((f) => {
		const h = byKey.get(f.key) ?? [];
		return { ...f, status: h.at(-1)?.status ?? 'pending', history: h };
	});
}

/** Near-identical findings grouped (same rule and same exam session or enterprise), highest score first. */
export function groupFindings(findings: FindingWithStatus[]): FindingGroup[] {
	const groups = new Map<string, FindingGroup>();
	for (const f of findings) {
		let g = groups.get(f.groupKey);
		if (!g) {
			g = { key: f.groupKey, label: f.groupLabel, rule: f.rule, score: f.score, findings: [], counts: {} };
			groups.set(f.groupKey, g);
		}
		g.findings.push(f);
		g.score = Math.max(g.score, f.score);
		g.counts[f.status] = (g.counts[f.status] ?? 0) + 1;
	}
	return [...groups.values()].sort((a, b) => b.score - a.score);
}

/** The regulator's worklist: its region's findings with their status, filtered and grouped. */
export async function listFindingGroups(
	db: Db,
	regionPath: string,
	now: Date,
	filter: { rule?: RuleCode; status?: FindingStatus | 'all' }
): Promise<FindingGroup[]> {
	const all = await withStatus(db, await listFindings(db, regionPath, now, filter.rule));
	const status = filter.status ?? 'pending';
	return groupFindings(status === 'all' ? all : all.filter((f) => f.status === status));
}

export type DecideInput = {
	status: 'handled' | 'dismissed' | 'supervised';
	/** dismissed: the reason; supervised: what the enterprise must do */
	note: string;
	/** supervised: answer by (YYYY-MM-DD) */
	dueOn: string | null;
} & ({ keys: string[]; groupKey?: undefined } | { groupKey: string; keys?: undefined });

export type DecideResult = { ok: true; decided: number } | { ok: false; notFound?: true; errors: Record<string, string> };

/**
 * Records a regulator's decision on one finding or, for a group, on every finding of the group
 * still 待处理. 已驳回 needs a reason; 已督办 needs the requirement, a due date and an enterprise.
 */
export async function decideFindings(db: Db, actor: RegulatorActor, input: DecideInput, now: Date): Promise<DecideResult> {
	const note = input.note.trim();
	if (input.status === 'dismissed' && !note) return { ok: false, errors: { note: '驳回必须填写原因' } };
	if (input.status === 'supervised' && !note) return { ok: false, errors: { note: '督办必须写明整改要求' } };
	if (input.status === 'supervised' && !input.dueOn) return { ok: false, errors: { due_on: '督办必须填写整改期限' } };
	if (input.status === 'supervised' && input.dueOn && input.dueOn < chinaDate(now)) {
		return { ok: false, errors: { due_on: '整改期限不能早于今天' } };
	}

	// Only this region's findings can be decided: recompute the rules the keys name.
	const wantedKey = input.groupKey ?? input.keys[0] ?? '';
	const rule = ruleOfKey(wantedKey);
	if (!rule || (input.keys && input.keys.some((k) => ruleOfKey(k) !== rule))) return { ok: false, notFound: true, errors: { form: '没有这条线索，或它不在您的辖区' } };
	const regionFindings = await listFindings(db, actor.regionPath, now, rule);
	const chosen = input.groupKey !== undefined ? regionFindings.filter((f) => f.groupKey === input.groupKey) : regionFindings.filter((f) => input.keys.includes(f.key));
	if (chosen.length === 0 || (input.keys && chosen.length !== new Set(input.keys).size)) {
		return { ok: false, notFound: true, errors: { form: '没有这条线索，或它不在您的辖区' } };
	}
	if (input.status === 'supervised' && chosen.some((f) => f.orgId === null)) {
		return { ok: false, errors: { form: '这条线索没有所属企业，不能督办；请标记为已处理或驳回' } };
	}

	return withTransaction(db, async (tx) => {
		await lockFindings(tx, chosen.map((f) => f.key));
		const latest = await listLatestDecisions(tx, chosen.map((f) => f.key));
		// a group action touches only what is still 待处理; a single finding may be re-decided
		const targets = input.groupKey !== undefined ? chosen.filter((f) => !latest.has(f.key)) : chosen.filter((f) => latest.get(f.key)?.status !== input.status);
		if (targets.length === 0) {
			return { ok: false as const, errors: { form: input.groupKey !== undefined ? '这一组没有待处理的线索' : `这条线索已经是“${STATUS_LABELS[input.status]}”` } };
		}
		await insertDecisions(
			tx,
			targets.map((f) => ({
				finding_key: f.key,
				rule: f.rule,
				status: input.status,
				note: note || null,
				due_on: input.status === 'supervised' ? input.dueOn : null,
				org_id: input.status === 'supervised' ? f.orgId : null,
				subject: f.subject.slice(0, 300),
				detail: f.detail.slice(0, 2000),
				decided_by: actor.userId,
				decided_org_id: actor.orgId,
				decided_at: now
			}))
		);
		for (const f of targets) {
			await audit(tx, actor, now, `finding.${input.status}`, `finding:${f.key}`, {
				note: note || null,
				dueOn: input.status === 'supervised' ? input.dueOn : null,
				orgId: input.status === 'supervised' ? f.orgId : null,
				group: input.groupKey ?? null
			});
		}
		return { ok: true as const, decided: targets.length };
	});
}

/** The enterprise's answer to a 督办: what was rectified. Only for a 督办 addressed to its own organisation. */
export async function replyToSupervision(db: Db, actor: EnterpriseActor, input: { key: string; reply: string }, now: Date): Promise<DecideResult> {
	const reply = input.reply.trim();
	if (!reply) return { ok: false, errors: { reply: '请填写整改情况' } };
	return withTransaction(db, async (tx) => {
		await lockFindings(tx, [input.key]);
		const latest = (await listLatestDecisions(tx, [input.key])).get(input.key);
		if (!latest || latest.org_id !== actor.orgId || (latest.status !== 'supervised' && latest.status !== 'rectified')) {
			return { ok: false as const, notFound: true as const, errors: { form: '没有这条督办事项' } };
		}
		if (latest.status !== 'supervised') return { ok: false as const, errors: { form: '这条督办事项已回复整改情况' } };
		await insertDecisions(tx, [
			{
				finding_key: latest.finding_key,
				rule: latest.rule,
				status: 'rectified',
				note: reply,
				due_on: null,
				org_id: actor.orgId,
				subject: latest.subject,
				detail: latest.detail,
				decided_by: actor.userId,
				decided_org_id: actor.orgId,
				decided_at: now
			}
		]);
		await audit(tx, actor, now, 'finding.rectified', `finding:${latest.finding_key}`, { reply });
		return { ok: true as const, decided: 1 };
	});
}
