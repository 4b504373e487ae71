import { createHash } from 'node:crypto';
import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { appendAudit } from '../audit/audit.ts';
import { deleteUserSession, listUserSessions } from './accounts.repository.ts';
import { describeDevice } from './devices.ts';

// 登录设备: a user's own active sessions. Pages name a session by a hash of its id, so the
// id (half of the cookie) never appears in HTML.

export function sessionRef(sessionId: string): string {
	return createHash('sha256').update(`anxun-session-ref\n${sessionId}`).digest('hex').slice(0, 20);
}

export type OwnSession = { ref: string; device: string; ip: string | null; createdAt: Date; lastSeenAt: Date | null; current: boolean };

export async function listOwnSessions(db: Db, userId: number, currentSessionId: string, now: Date): Promise<OwnSession[]> {
	const rows = await listUserSessions(db, userId, now);
	return rows
		.map((s) => ({ ref: sessionRef(s.id), device: describeDevice(s.user_agent), ip: s.ip, createdAt: s.created_at, lastSeenAt: s.last_seen_at, current: s.id === currentSessionId }))
		.sort((a, b) => Number(b.current) - Number(a.current));
}

/** Ends one of the user's own sessions; `current` tells the route to clear the cookie. */
export async function endOwnSession(db: Db, input: { userId: number; currentSessionId: string; ref: string; ip: string; now: Date }): Promise<{ ok: true; current: boolean } | { ok: false }> {
	const sessions = await listUserSessions(db, input.userId, input.now);
	const session = sessions.find((s) => sessionRef(s.id) === input.ref);
	if (!session) return { ok: false };
	await withTransaction(db, async (tx) => {
		await deleteUserSession(tx, input.userId, session.id);
		await appendAudit(tx, { at: input.now, actorUserId: input.userId, action: 'session.end', target: `user:${input.userId}`, ip: input.ip, detail: { device: describeDevice(session.user_agent), current: session.id === input.currentSessionId } });
	});
	return { ok: true, current: session.id === input.currentSessionId };
}
