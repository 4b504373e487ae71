import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { RULES, RULE_TITLES, type RuleCode } from '#lib/server/findings/findings.query.ts';
import { decideFindings, listFindingGroups, STATUS_LABELS, type FindingStatus } from '#lib/server/findings/decision-service.ts';
import { decideFindingSchema, formFields } from '#lib/schemas/findings.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

const STATUSES = Object.keys(STATUS_LABELS) as FindingStatus[];

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'regulator');
	const q = url.searchParams.get('rule');
	const rule = q && q in RULES ? (q as RuleCode) : undefined;
	const s = url.searchParams.get('status');
	const status: FindingStatus | 'all' = s === 'all' || STATUSES.includes(s as FindingStatus) ? (s as FindingStatus | 'all') : 'pending';
	const groups = await listFindingGroups(await getDb(), scope.regionPath, now(), { rule, status });
	return {
		rule: rule ?? null,
		status,
		statusLabels: STATUS_LABELS,
		rules: RULES,
		titles: RULE_TITLES,
		groups: groups.slice(0, 200).map((g) => ({ ...g, findings: g.findings.slice(0, 100) }))
	};
};

export const actions: Actions = {
	decide: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'regulator');
		const form = await request.formData().catch(() => null);
		if (!form) return formFailure(400, '表单格式不正确，请刷新页面后重试', { target: null });
		const fields = formFields(form, ['status', 'note', 'due_on', 'key', 'group']);
		const target = fields.key ?? fields.group ?? null;
		const parsed = decideFindingSchema.safeParse(fields);
		if (!parsed.success) return zodFailure(parsed.error, { target });
		const p = parsed.data;
		const result = await decideFindings(
			await getDb(),
			{ ...actorOf(scope, { getClientAddress }), regionPath: scope.regionPath },
			{ status: p.status, note: p.note, dueOn: p.due_on || null, ...(p.group !== undefined ? { groupKey: p.group } : { keys: [p.key!] }) },
			now()
		);
		if (!result.ok) {
			if (result.notFound) error(404, result.errors.form ?? '没有这条线索');
			return formFailure(400, result.errors, { target });
		}
		return { target, done: `已记录：${STATUS_LABELS[p.status]} ${result.decided} 条线索。` };
	}
};
