import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { rollCallAnswerSchema } from '#lib/schemas/live.ts';
import { requireAudienceClass } from '#lib/server/live/guard.ts';
import { answerRollCall } from '#lib/server/live/live-service.ts';
import { clientInfo, readJson } from '#lib/server/study/http.ts';

export const POST: RequestHandler = async ({ locals, params, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	const db = await getDb();
	const { cls, personId } = await requireAudienceClass(db, scope, params.id);
	const parsed = rollCallAnswerSchema.safeParse(await readJson(request));
	if (!parsed.success) return json({ message: '点名应答格式不正确。' }, { status: 400 });
	const r = await answerRollCall(db, { personId, classId: cls.id, rollCallId: parsed.data.rollCallId, client: clientInfo(request, getClientAddress) }, now());
	return json(r, { status: r.ok ? 200 : r.face ? 409 : 404 });
};
