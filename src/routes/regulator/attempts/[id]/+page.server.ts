import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb } from '#lib/server/runtime.ts';
import { requireIdParam } from '#lib/schemas/params.ts';
import { getAttemptTimeline } from '#lib/server/findings/evidence.query.ts';
import { EVENT_LABELS } from '#lib/server/proctoring/integrity.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'regulator');
	const id = requireIdParam(params.id, '辖区内没有这份答卷');
	const view = await getAttemptTimeline(await getDb(), id, scope.regionPath);
	if (!view) error(404, '辖区内没有这份答卷');
	// the same timeline as the institution's attempt page, with the events' Chinese names
	const items = view.events.map((e) => ({
		at: new Date(e.at).toISOString(),
		kind: 'event' as const,
		source: e.source,
		code: e.kind,
		label: EVENT_LABELS[e.kind] ?? e.kind,
		detail: (e.detail ?? {}) as Record<string, unknown>
	}));
	return { attempt: view.attempt, steps: view.steps, items };
};
