import type { PageServerLoad } from './$types';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, liveSettings, now } from '#lib/server/runtime.ts';
import { requireAudienceClass } from '#lib/server/live/guard.ts';
import { phaseOf, rulesOf } from '#lib/server/live/live-service.ts';
import { signInWindow } from '#lib/server/live/attendance.ts';
import { findAttendance } from '#lib/server/live/live.repository.ts';
import { playUrls } from '#lib/server/live/play-token.ts';

export const load: PageServerLoad = async ({ locals, params }) => {
	const scope = requireRole(locals, 'learner');
	const db = await getDb();
	const { cls, personId } = await requireAudienceClass(db, scope, params.id);
	const { server, config } = liveSettings();
	const att = await findAttendance(db, cls.id, personId);
	const window = signInWindow(rulesOf(cls));
	const urls = server ? playUrls(server, cls, `p${personId}`, now()) : null;
	return {
		cls: {
			id: cls.id,
			title: cls.title,
			lecturer: cls.lecturer_name,
			startsAt: cls.starts_at.toISOString(),
			endsAt: cls.ends_at.toISOString(),
			opensAt: window.opensAt.toISOString(),
			signInClosesAt: window.closesAt.toISOString(),
			creditHours: cls.credit_hours,
			replayRule: cls.replay_rule,
			phase: phaseOf(cls, now())
		},
		configured: server !== null,
		// only the audience gets a signed playlist address (this page is 404 for everyone else;
		// the streaming server refuses an unsigned or expired one with 403)
		hlsUrl: urls?.hlsUrl ?? null,
		replayUrl: urls?.replayUrl ?? null,
		intervalSeconds: config.intervalSeconds,
		attendance: { liveSeconds: att?.live_seconds ?? 0, replaySeconds: att?.replay_seconds ?? 0, watchedSeconds: Number(att?.watched_seconds ?? 0) }
	};
};
