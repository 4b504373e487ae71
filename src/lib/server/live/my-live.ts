import type { Db } from '../db/index.ts';
import { listClassesForPerson, type LiveClassRow } from './live.repository.ts';
import { phaseOf, type LivePhase } from './live-service.ts';

export type MyLiveClass = { id: number; title: string; lecturer: string; startsAt: string; endsAt: string; phase: LivePhase; hasReplay: boolean; creditHours: number; replayRule: string };

/** 我的学习 and 直播课程: classes I am invited to that are upcoming, on air, or have a replay. */
export async function listMyLiveClasses(db: Db, personId: number, now: Date): Promise<MyLiveClass[]> {
	const rows = await listClassesForPerson(db, personId, new Date(now.getTime() - 7 * 86400_000));
	return rows.map((c) => liveClassSummary(c, now));
}

/** A class as the lists show it (我的学习, 直播课程, the organiser's 直播培训 list). */
export function liveClassSummary(c: LiveClassRow, now: Date): MyLiveClass {
	return {
		id: c.id,
		title: c.title,
		lecturer: c.lecturer_name,
		startsAt: c.starts_at.toISOString(),
		endsAt: c.ends_at.toISOString(),
		phase: phaseOf(c, now),
		hasReplay: c.replay_file !== null,
		creditHours: c.credit_hours,
		replayRule: c.replay_rule
	};
}
