import { error } from '@sveltejs/kit';
import { formFailure } from '#lib/forms/failure.ts';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { attemptTimeline } from '#lib/server/proctoring/console.query.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { decideAttempt, extendAttempt, terminateAttempt, warnCandidate } from '#lib/server/proctoring/proctor-service.ts';
import { decisionSchema, extendSchema, terminateSchema, warnSchema } from '#lib/schemas/exam-admin.ts';
import { attemptFaceChecks } from '#lib/server/face/review.query.ts';
import { requireProctoredAttempt } from '../../exam-pages.server.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	const { id, session } = await requireProctoredAttempt(db, scope, params.id);
	const timeline = await attemptTimeline(db, id, now());
	if (!timeline) error(404, '没有这个答卷');
	return { session: { id: session.id, name: session.name }, ...timeline, faceChecks: await attemptFaceChecks(db, id) };
};

async function context(locals: App.Locals, idText: string, request: Request) {
	const scope = requireRole(locals, 'institution_admin', 'examiner');
	const db = await getDb();
	const { id } = await requireProctoredAttempt(db, scope, idText);
	return { scope, db, id, form: Object.fromEntries(await request.formData()) };
}

const firstMessage = (e: { issues: { message: string }[] }) => e.issues[0]?.message ?? '填写有误';

export const actions: Actions = {
	warn: async ({ locals, params, request, getClientAddress }) => {
		const { scope, db, id, form } = await context(locals, params.id, request);
		const parsed = warnSchema.safeParse(form);
		if (!parsed.success) return formFailure(400, firstMessage(parsed.error), { action: 'warn' });
		const r = await warnCandidate(db, id, parsed.data.message, actorOf(scope, { getClientAddress }), now());
		return r.ok ? { action: 'warn', done: '警告已发送，考生页面会立即显示。' } : formFailure(409, r.message, { action: 'warn' });
	},
	extend: async ({ locals, params, request, getClientAddress }) => {
		const { scope, db, id, form } = await context(locals, params.id, request);
		const parsed = extendSchema.safeParse(form);
		if (!parsed.success) return formFailure(400, firstMessage(parsed.error), { action: 'extend' });
		const r = await extendAttempt(db, id, parsed.data.minutes, parsed.data.reason, actorOf(scope, { getClientAddress }), now());
		return r.ok ? { action: 'extend', done: `已延长 ${parsed.data.minutes} 分钟。` } : formFailure(409, r.message, { action: 'extend' });
	},
	terminate: async ({ locals, params, request, getClientAddress }) => {
		const { scope, db, id, form } = await context(locals, params.id, request);
		const parsed = terminateSchema.safeParse(form);
		if (!parsed.success) return formFailure(400, firstMessage(parsed.error), { action: 'terminate' });
		const r = await terminateAttempt(db, id, parsed.data.reason, actorOf(scope, { getClientAddress }), now());
		return r.ok ? { action: 'terminate', done: '考试已终止，答卷已收回评分。' } : formFailure(409, r.message, { action: 'terminate' });
	},
	decide: async ({ locals, params, request, getClientAddress }) => {
		const { scope, db, id, form } = await context(locals, params.id, request);
		const parsed = decisionSchema.safeParse(form);
		if (!parsed.success) return formFailure(400, firstMessage(parsed.error), { action: 'decide' });
		const r = await decideAttempt(db, id, parsed.data.decision, parsed.data.reason, actorOf(scope, { getClientAddress }), now());
		return r.ok ? { action: 'decide', done: '复核结论已记录，考生可以看到。' } : formFailure(409, r.message, { action: 'decide' });
	}
};
