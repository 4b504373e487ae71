import { json } from '@sveltejs/kit';
import type { RequestHandler } from './$types';
import { requireApiRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { questionSchema } from '#lib/schemas/live.ts';
import { zodErrors } from '#lib/forms/failure.ts';
import { requireAudienceClass } from '#lib/server/live/guard.ts';
import { postQuestion } from '#lib/server/live/live-service.ts';
import { listQuestions } from '#lib/server/live/live.repository.ts';
import { readJson } from '#lib/server/study/http.ts';

/** The learner's own questions and those the lecturer chose to show, with answers. */
export const GET: RequestHandler = async ({ locals, params }) => {
	const scope = requireApiRole(locals, 'learner');
	const db = await getDb();
	const { cls, personId } = await requireAudienceClass(db, scope, params.id);
	const list = await listQuestions(db, cls.id, { personId });
	return json(
		list.map((q) => ({ id: q.id, mine: q.person_id === personId, body: q.body, answer: q.answer, onAir: q.answered_on_air, answered: q.answered_at !== null })),
		{ headers: { 'cache-control': 'no-store' } }
	);
};

export const POST: RequestHandler = async ({ locals, params, request }) => {
	const scope = requireApiRole(locals, 'learner');
	const db = await getDb();
	const { cls, personId } = await requireAudienceClass(db, scope, params.id);
	const parsed = questionSchema.safeParse(await readJson(request));
	if (!parsed.success) return json({ errors: zodErrors(parsed.error) }, { status: 400 });
	const r = await postQuestion(db, { personId, cls, body: parsed.data.body }, now());
	return r.ok ? json({ id: r.id }) : json({ errors: r.errors }, { status: 400 });
};
