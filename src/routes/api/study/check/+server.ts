import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { checkAnswerSchema } from '#lib/schemas/study.ts';
import { answerCheck } from '#lib/server/study/heartbeat.ts';
import { clientInfo, readJson } from '#lib/server/study/http.ts';

export const POST: RequestHandler = async ({ locals, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	if (scope.personId === null) return json({ message: '当前账号没有关联学员档案。' }, { status: 403 });
	const parsed = checkAnswerSchema.safeParse(await readJson(request));
	if (!parsed.success) return json({ message: '确认请求格式不正确。' }, { status: 400 });
	const result = await answerCheck(await getDb(), { personId: scope.personId, checkId: parsed.data.checkId, client: clientInfo(request, getClientAddress) }, now());
	return json(result, { status: result.ok ? 200 : 404 });
};
