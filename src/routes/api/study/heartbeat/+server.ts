import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now, studyConfig } from '#lib/server/runtime.ts';
import { heartbeatSchema } from '#lib/schemas/study.ts';
import { recordHeartbeat } from '#lib/server/study/heartbeat.ts';
import { clientInfo, readJson } from '#lib/server/study/http.ts';

export const POST: RequestHandler = async ({ locals, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	if (scope.personId === null) return json({ message: '当前账号没有关联学员档案，不能计学时。' }, { status: 403 });
	const parsed = heartbeatSchema.safeParse(await readJson(request));
	if (!parsed.success) return json({ message: '学习记录格式不正确。', issues: parsed.error.issues.map((i) => i.path.join('.')) }, { status: 400 });
	const p = parsed.data;
	const result = await recordHeartbeat(
		await getDb(),
		{
			personId: scope.personId,
			enrolmentId: p.enrolmentId,
			lessonId: p.lessonId,
			beat: { tabId: p.tabId, state: p.state, intent: p.intent, position: p.position, rate: p.rate },
			client: clientInfo(request, getClientAddress)
		},
		now(),
		studyConfig()
	);
	const status = result.refused && ['not_enrolled', 'lesson_not_in_course'].includes(result.refused.code) ? 404 : 200;
	return json(result, { status, headers: { 'cache-control': 'no-store' } });
};
