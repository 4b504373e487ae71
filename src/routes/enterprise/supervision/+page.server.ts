import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { listSupervisionsOf } from '#lib/server/findings/decisions.repository.ts';
import { replyToSupervision } from '#lib/server/findings/decision-service.ts';
import { RULE_TITLES, type RuleCode } from '#lib/server/findings/findings.query.ts';
import { formFields, replySupervisionSchema } from '#lib/schemas/findings.ts';
import { formFailure, zodFailure } from '#lib/forms/failure.ts';

export const load: PageServerLoad = async ({ locals }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const items = await listSupervisionsOf(await getDb(), scope.orgId);
	return {
		items: items.map((i) => ({
			key: i.finding_key,
			title: RULE_TITLES[i.rule as RuleCode] ?? i.rule,
			subject: i.subject,
			detail: i.detail,
			requirement: i.requirement,
			dueOn: i.required_due_on,
			rectified: i.status === 'rectified',
			reply: i.status === 'rectified' ? i.note : null,
			at: i.decided_at
		}))
	};
};

export const actions: Actions = {
	reply: async ({ locals, request, getClientAddress }) => {
		const scope = requireRole(locals, 'enterprise_admin');
		const form = await request.formData().catch(() => null);
		if (!form) return formFailure(400, '表单格式不正确，请刷新页面后重试', { target: null });
		const fields = formFields(form, ['key', 'reply']);
		const parsed = replySupervisionSchema.safeParse(fields);
		if (!parsed.success) return zodFailure(parsed.error, { target: fields.key ?? null });
		const result = await replyToSupervision(
			await getDb(),
			actorOf(scope, { getClientAddress }),
			{ key: parsed.data.key, reply: parsed.data.reply },
			now()
		);
		if (!result.ok) {
			if (result.notFound) error(404, result.errors.form ?? '没有这条督办事项');
			return formFailure(400, result.errors, { target: parsed.data.key });
		}
		return { target: parsed.data.key, done: '已回复整改情况，监管部门可以看到。' };
	}
};
