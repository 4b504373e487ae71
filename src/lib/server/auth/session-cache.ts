import pg from 'pg';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import type { Session, SessionUser } from './session.ts';

// Validated sessions, kept for a few seconds per process so that a hot path (autosave, heartbeat)
// does not look its session up on every request. Correctness rests on invalidation, not on the
// time limit: migration 028's triggers send NOTIFY anxun_sessions whenever a session is deleted or
// moved to another membership, or a user, membership, organisation or region it depends on changes,
// and every process LISTENs. NOTIFY is delivered at commit, to every instance and worker alike.
// While the listening connection is down the cache is off (everything is looked up), and it is
// emptied when the connection comes back, so a lost notification cannot keep a revoked session.
// The time limit only bounds how long last_seen_at / expiry refreshes wait (see validateSessionToken).

export const SESSION_CHANNEL = 'anxun_sessions';

type Validated = { session: Session; user: SessionUser };
type Entry = { secretHash: Uint8Array; result: Validated; until: number };

const entries = new Map<string, Entry>();
let ttlMs = 0;
let listening = false;
/** Bumped by every invalidation: a lookup that started before one must not be cached after it. */
let generation = 0;

export function sessionCacheEnabled(): boolean {
	return listening && ttlMs > 0;
}

export function sessionCacheGeneration(): number {
	return generation;
}

/** The cached validation of this session, if the secret matches and it has not run out. */
export function cachedSession(id: string, secretHash: Uint8Array, now: Date): Validated | null {
	if (!sessionCacheEnabled()) return null;
	const e = entries.get(id);
	if (!e) return null;
	if (e.until <= now.getTime() || !constantTimeEqual(secretHash, e.secretHash)) {
		entries.delete(id);
		return null;
	}
	return e.result;
}

/**
 * Keeps a validation until `until` (at most the cache's time limit from now). Nothing is kept when
 * an invalidation arrived since the lookup began (`since`), or the cache is off.
 */
export function rememberSession(id: string, secretHash: Uint8Array, result: Validated, now: Date, until: number, since: number): void {
	if (!sessionCacheEnabled() || since !== generation) return;
	const limit = Math.min(until, now.getTime() + ttlMs);
	if (limit <= now.getTime()) return;
	// Bounded: a flood of distinct sessions cannot grow the process without limit.
	if (entries.size >= 200_000) entries.clear();
	entries.set(id, { secretHash, result, until: limit });
}

/** Applies one NOTIFY payload: s:<session id>, u:<user id>, m:<membership id>, o:<organisation id>, or * (everything). */
export function forgetSessions(payload: string): void {
	generation++;
	const [kind, key] = [payload.slice(0, 1), payload.slice(2)];
	if (kind === 's') {
		entries.delete(key);
		return;
	}
	const id = Number(key);
	if (kind === '*' || !Number.isInteger(id)) {
		entries.clear();
		return;
	}
	for (const [sid, e] of entries) {
		const u = e.result.user;
		if ((kind === 'u' && u.id === id) || (kind === 'm' && u.membership?.id === id) || (kind === 'o' && u.membership?.orgId === id)) entries.delete(sid);
	}
}

function stopCaching(): void {
	listening = false;
	generation++;
	entries.clear();
}

/**
 * Turns the cache on for this process (PostgreSQL only: PGlite is one process and has no network
 * round trip to save) and keeps a LISTEN connection open, reconnecting after a drop.
 * Returns a function that stops it.
 */
export function startSessionCache(url: string, ms: number): () => Promise<void> {
	ttlMs = ms;
	if (ms <= 0) return async () => {};
	let client: pg.Client | null = null;
	let stopped = false;
	let retry: ReturnType<typeof setTimeout> | null = null;
	const connect = async () => {
		const c = new pg.Client({ connectionString: url });
		client = c;
		const drop = () => {
			if (client !== c) return;
			client = null;
			stopCaching();
			c.end().catch(() => undefined);
			if (!stopped) {
				retry = setTimeout(() => void connect(), 1000);
				retry.unref();
			}
		};
		c.on('error', drop);
		c.on('end', drop);
		c.on('notification', (n) => {
			if (n.channel === SESSION_CHANNEL) forgetSessions(n.payload ?? '*');
		});
		try {
			await c.connect();
			await c.query(`listen ${SESSION_CHANNEL}`);
			if (client !== c) return;
			entries.clear();
			generation++;
			listening = true;
		} catch (err) {
			console.warn(`[session-cache] 无法监听会话变更，会话缓存暂停：${(err as Error).message}`);
			drop();
		}
	};
	void connect();
	return async () => {
		stopped = true;
		if (retry) clearTimeout(retry);
		const c = client;
		client = null;
		stopCaching();
		await c?.end().catch(() => undefined);
	};
}
