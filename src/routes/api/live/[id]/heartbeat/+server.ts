import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, liveSettings, now } from '#lib/server/runtime.ts';
import { liveBeatSchema } from '#lib/schemas/live.ts';
import { requireAudienceClass } from '#lib/server/live/guard.ts';
import { recordLiveBeat } from '#lib/server/live/live-service.ts';
import { clientInfo, readJson } from '#lib/server/study/http.ts';

export const POST: RequestHandler = async ({ locals, params, request, getClientAddress }) => {
	const scope = requireApiRole(locals, 'learner');
	const db = await getDb();
	// outside the audience: 404, nothing recorded, nothing credited
	const { cls, personId } = await requireAudienceClass(db, scope, params.id);
	const parsed = liveBeatSchema.safeParse(await readJson(request));
	if (!parsed.success) return json({ message: '听课记录格式不正确。' }, { status: 400 });
	const p = parsed.data;
	const { config } = liveSettings();
	const result = await recordLiveBeat(
		db,
		cls,
		{ personId, beat: { tabId: p.tabId, mode: p.mode, state: p.state, intent: p.intent, position: p.position ?? null }, client: clientInfo(request, getClientAddress)},
		now(),
		config
	);
	return json(result, { headers: { 'cache-control': 'no-store' } });
};
