// Live-class fixtures shared by the live specs. The server's clock is a parameter, so a class runs
// on a made-up timeline (at(s) = s seconds after the class starts) without waiting for a real one.
import { expect } from 'vitest';
import type { Db } from '../../src/lib/server/db/index.ts';
import { checkPublish, issueStreamKey, scheduleLiveClass, type Actor, type ScheduleInput } from '../../src/lib/server/live/live-service.ts';
import { findLiveClass, type LiveClassRow } from '../../src/lib/server/live/live.repository.ts';
import type { LiveBeatInput, LiveConfig } from '../../src/lib/server/live/attendance.ts';
import { makeUser } from './factories.ts';

export const T0 = Date.parse('2026-12-10T02:00:00Z'); // class starts here
export const at = (s: number) => new Date(T0 + s * 1000);
export const LIVE_CONFIG: LiveConfig = { intervalSeconds: 30, toleranceSeconds: 5, seekToleranceSeconds: 3, rollCallSeconds: 60 };
export const LIVE_CLIENT = { ip: '10.0.0.9', device: 'test' };
/** A heartbeat of a tab playing the live stream. */
export const liveBeat = (tabId: string, extra: Partial<LiveBeatInput> = {}): LiveBeatInput => ({ tabId, mode: 'live', state: 'playing', position: null, ...extra });

/** The institution's admin (as the Actor that schedules and publishes) and, made after it, one of its examiners to lecture. */
export async function makeLiveStaff(db: Db, institution: number): Promise<{ admin: Actor; lecturer: number }> {
	const a = await makeUser(db, { role: 'institution_admin', orgId: institution });
	const admin: Actor = { userId: a.id, orgId: institution, role: 'institution_admin', personId: null, ip: null };
	const lecturer = (await makeUser(db, { role: 'examiner', orgId: institution })).id;
	return { admin, lecturer };
}

/** A one-hour class from at(0): 1 学时, sign-in from 15 minutes before to 10 after, live only; `input` names the rest and may override. */
export function oneHourClass(input: Pick<ScheduleInput, 'title' | 'lecturerUserId' | 'audience'> & Partial<ScheduleInput>): ScheduleInput {
	return { startsAt: at(0), endsAt: at(3600), creditHours: 1, signinBeforeMinutes: 15, signinAfterMinutes: 10, replayRule: 'live_only', ...input };
}

/** Schedules `oneHourClass(input)` a day ahead (throws if refused) and reads it back. */
export async function scheduleClass(db: Db, actor: Actor, input: Parameters<typeof oneHourClass>[0], random?: () => number): Promise<LiveClassRow> {
	const r = await scheduleLiveClass(db, actor, oneHourClass(input), at(-86400), random);
	if (!r.ok) throw new Error(JSON.stringify(r.errors));
	return (await findLiveClass(db, r.id))!;
}

/** Issues a stream key at `issuedAt` (default a second before) and starts publishing with it at at(s); asserts it was accepted. */
export async function publishClass(db: Db, actor: Actor, cls: LiveClassRow, s: number, issuedAt = at(s - 1)): Promise<string> {
	const { streamKey } = await issueStreamKey(db, actor, cls, issuedAt);
	const [name, query] = streamKey.split('?');
	const r = await checkPublish(db, { name: name!, key: new URLSearchParams(query).get('key')!, addr: '127.0.0.1' }, at(s));
	expect(r.ok).toBe(true);
	return streamKey;
}
