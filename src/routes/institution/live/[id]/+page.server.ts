import { error } from '@sveltejs/kit';
import type { Actions, PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, liveSettings, now } from '#lib/server/runtime.ts';
import { requireConsoleClass } from '#lib/server/live/guard.ts';
import { playUrls } from '#lib/server/live/play-token.ts';
import { getConsoleView } from '#lib/server/live/console.ts';
import { answerQuestion, issueStreamKey, moderateQuestion, startRollCall } from '#lib/server/live/live-service.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { formFailure, zodErrors, type FormErrors } from '#lib/forms/failure.ts';
import { answerSchema } from '#lib/schemas/live.ts';
import { idParam } from '#lib/schemas/params.ts';

export const load = (async ({ locals, params }) => {
	const scope = requireRole(locals, 'institution_admin', 'examiner', 'enterprise_admin');
	const db = await getDb();
	const cls = await requireConsoleClass(db, scope, params.id);
	const { server, config } = liveSettings();
	return {
		// the same console serves an enterprise's own classes under /enterprise/live
		base: scope.role === 'enterprise_admin' ? '/enterprise/live' : '/institution/live',
		cls: { id: cls.id, title: cls.title, lecturer: cls.lecturer_name, startsAt: cls.starts_at.toISOString(), endsAt: cls.ends_at.toISOString(), creditHours: cls.credit_hours, replayRule: cls.replay_rule, hasReplay: cls.replay_file !== null, replaySeconds: cls.replay_seconds },
		server: server ? { rtmpUrl: server.rtmpUrl } : null,
		hlsUrl: server ? playUrls(server, cls, `u${scope.userId}`, now()).hlsUrl : null,
		view: await getConsoleView(db, cls, now(), config)
	};
}) satisfies PageServerLoad;

type Ctx = { locals: App.Locals; params: { id: string }; request: Request; getClientAddress: () => string };
async function begin(event: Ctx) {
	const scope = requireRole(event.locals, 'institution_admin', 'examiner', 'enterprise_admin');
	const db = await getDb();
	const cls = await requireConsoleClass(db, scope, event.params.id);
	return { db, cls, actor: actorOf(scope, event), form: await event.request.formData() };
}

/** A console failure: the one form-failure shape plus which section of the console shows it. */
const refuse = (target: 'key' | 'rollcall' | 'questions', errors: FormErrors | string) => formFailure(400, errors, { target });

export const actions = {
	streamKey: async (ctx) => {
		const { db, cls, actor } = await begin(ctx);
		if (!liveSettings().server) return refuse('key', '直播服务未配置');
		const key = await issueStreamKey(db, actor, cls, now());
		return { target: 'key', streamKey: key.streamKey, expiresAt: key.expiresAt.toISOString() };
	},
	rollCall: async (ctx) => {
		const { db, cls, actor } = await begin(ctx);
		const r = await startRollCall(db, actor, cls, now(), liveSettings().config);
		if (!r.ok) return refuse('rollcall', r.errors);
		return { target: 'rollcall', rollCallStarted: true };
	},
	moderate: async (ctx) => {
		const { db, cls, actor, form } = await begin(ctx);
		const id = idParam(form.get('question'));
		const status = form.get('status');
		if (id === null || (status !== 'shown' && status !== 'hidden')) return refuse('questions', '请求不完整，请刷新页面后重试');
		if (!(await moderateQuestion(db, actor, cls, id, status, now()))) error(404, '没有这个问题');
		return { target: 'questions' };
	},
	answer: async (ctx) => {
		const { db, cls, actor, form } = await begin(ctx);
		const parsed = answerSchema.safeParse({ question: form.get('question'), answer: form.get('answer') ?? undefined, on_air: form.get('on_air') ?? undefined });
		if (!parsed.success) return refuse('questions', zodErrors(parsed.error));
		const text = parsed.data.answer || null;
		const onAir = parsed.data.on_air === '1';
		if (!text && !onAir) return refuse('questions', { answer: '请填写回答，或选择“已在直播中回答”' });
		if (!(await answerQuestion(db, actor, cls, parsed.data.question, { text, onAir }, now()))) error(404, '没有这个问题');
		return { target: 'questions' };
	}
} satisfies Actions;
