import { sha256 } from '@oslojs/crypto/sha2';
import { constantTimeEqual } from '@oslojs/crypto/subtle';
import { encodeBase32LowerCaseNoPadding } from '@oslojs/encoding';
import { getRandomValues } from 'node:crypto';
import type { Db } from '../db/index.ts';
import type { Role } from '../../domain/labels.ts';
import { sql } from 'kysely';
import { isPoolRoot, runPreparedText } from '../db/prepared.ts';
import { batcherPerHandle, TurnBatcher } from '../db/turn-batcher.ts';
import { cachedSession, forgetSessions, rememberSession, sessionCacheGeneration } from './session-cache.ts';

// Lucia's session design: the cookie holds `<id>.<secret>`; only SHA-256(secret) is stored,
// so a leaked sessions table cannot be replayed. Expiry slides while the session is used.
export const SESSION_COOKIE = 'anxun_session';
export const SESSION_IDLE_MS = 7 * 24 * 60 * 60 * 1000;
const SESSION_REFRESH_MS = SESSION_IDLE_MS / 2;
/**
 * last_seen_at (and ip) are written at most about this often, not on every request. It is only shown
 * (账号 › 登录设备, to the minute); every write also ends the session's per-process cache entry, so a
 * learner beating every 30 s was looked up and written every other beat at 1 minute (PERFORMANCE.md).
 */
export const SESSION_SEEN_MS = 5 * 60 * 1000;

/**
 * Each session's own last_seen_at interval: SESSION_SEEN_MS plus 0–60 s taken from the session id.
 * Sessions started in the same second (2,000 candidates pressing 开始考试) would otherwise fall due
 * for the write, and leave the per-process cache, in the same second every interval after.
 */
export function seenIntervalMs(sessionId: string): number {
	return SESSION_SEEN_MS + (((sessionId.charCodeAt(0) || 0) * 7 + (sessionId.charCodeAt(1) || 0)) % 61) * 1000;
}

/** Where a session is used from (shown on /account/sessions). */
export type SessionClient = { userAgent?: string | null; ip?: string | null };

export type ActiveMembership = {
	id: number;
	role: Role;
	orgId: number;
	orgName: string;
	orgKind: string;
	regionCode: string;
	regionName: string;
	regionPath: string;
};

export type SessionUser = {
	id: number;
	displayName: string;
	personId: number | null;
	mustChangePassword: boolean;
	membership: ActiveMembership | null;
};

export type Session = { id: string; userId: number; expiresAt: Date };

function randomSecret(): string {
	const bytes = new Uint8Array(20);
	getRandomValues(bytes);
	return encodeBase32LowerCaseNoPadding(bytes);
}

function hashSecret(secret: string): Uint8Array {
	return sha256(new TextEncoder().encode(secret));
}

export async function createSession(
	db: Db,
	userId: number,
	membershipId: number | null,
	now: Date,
	client: SessionClient = {}
): Promise<{ token: string; session: Session }> {
	const id = randomSecret();
	const secret = randomSecret();
	const expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
	await db
		.insertInto('sessions')
		.values({
			id,
			secret_hash: hashSecret(secret),
			user_id: userId,
			membership_id: membershipId,
			created_at: now,
			expires_at: expiresAt,
			user_agent: client.userAgent?.slice(0, 300) ?? null,
			ip: client.ip?.slice(0, 100) ?? null,
			last_seen_at: now
		})
		.execute();
	return { token: `${id}.${secret}`, session: { id, userId, expiresAt } };
}

function sessionSelect(db: Db) {
	return db
		.selectFrom('sessions as s')
		.innerJoin('users as u', 'u.id', 's.user_id')
		.leftJoin('memberships as m', 'm.id', 's.membership_id')
		.leftJoin('organisations as o', 'o.id', 'm.org_id')
		.leftJoin('regions as r', 'r.code', 'o.region_code')
		.select([
			's.id',
			's.secret_hash',
			's.expires_at',
			's.last_seen_at',
			's.ip',
			'u.id as user_id',
			'u.display_name',
			'u.person_id',
			'u.must_change_password',
			'u.disabled',
			'm.id as membership_id',
			'm.role',
			'o.id as org_id',
			'o.name as org_name',
			'o.kind as org_kind',
			'o.status as org_status',
			'r.code as region_code',
			'r.name as region_name',
			'r.path as region_path'
		]);
}
function sessionQuery(db: Db, id: string) {
	return sessionSelect(db).where('s.id', '=', id);
}
type SessionRow = NonNullable<Awaited<ReturnType<ReturnType<typeof sessionQuery>['executeTakeFirst']>>>;

// The session lookup runs on every uncached request: its text is compiled once per database
// handle (the id is its only parameter) and runs as a prepared statement on PostgreSQL.
const sessionTexts = new WeakMap<Db, string>();
function sessionQueryText(db: Db): string {
	let text = sessionTexts.get(db);
	if (!text) {
		text = sessionQuery(db, '').compile().sql;
		sessionTexts.set(db, text);
	}
	return text;
}

// Several sessions by id in one statement: the reads of a start spike (each browser's first request on
// a worker) share one round trip (db/turn-batcher.ts). ANXUN_SESSION_BATCH=0 turns it off.
const sessionManyTexts = new WeakMap<Db, string>();
function sessionManyText(db: Db): string {
	let text = sessionManyTexts.get(db);
	if (!text) {
		text = sessionSelect(db).where(sql<boolean>`s.id = any(${sql.val<string[]>([])}::text[])`).compile().sql;
		sessionManyTexts.set(db, text);
	}
	return text;
}
const sessionReaderFor = batcherPerHandle((db: Db) =>
	new TurnBatcher<string, SessionRow | undefined>({
		max: 100,
		inFlight: 2,
		one: (id) => readOneSession(db, id),
		many: async (ids) => {
			const rows = await runPreparedText<SessionRow>(db, 'session_read_many', sessionManyText(db), [[...new Set(ids)]]);
			const byId = new Map(rows.map((r) => [r.id, r]));
			return ids.map((id) => byId.get(id));
		}
	})
);
async function readSession(db: Db, id: string): Promise<SessionRow | undefined> {
	if (isPoolRoot(db) && process.env.ANXUN_SESSION_BATCH !== '0') return sessionReaderFor(db).run(id);
	return readOneSession(db, id);
}

async function readOneSession(db: Db, id: string): Promise<SessionRow | undefined> {
	return (await runPreparedText<SessionRow>(db, 'session_read', sessionQueryText(db), [id]))[0];
}

export async function validateSessionToken(
	db: Db,
	token: string,
	now: Date,
	client: SessionClient = {}
): Promise<{ session: Session; user: SessionUser } | null> {
	const parts = token.split('.');
	if (parts.length !== 2 || !/^[a-z2-7]{32}$/.test(parts[0]!) || !/^[a-z2-7]{32}$/.test(parts[1]!)) return null;
	const [id, secret] = parts as [string, string];
	const secretHash = hashSecret(secret);
	// A session validated moments ago in this process (see session-cache.ts for why that is exact).
	const hit = cachedSession(id, secretHash, now);
	if (hit) return hit;
	const since = sessionCacheGeneration();
	const row = await readSession(db, id);
	if (!row) return null;
	if (!constantTimeEqual(secretHash, new Uint8Array(row.secret_hash))) return null;
	// A suspended organisation's sessions end (its records stay; reactivation allows new logins).
	if (row.disabled || row.org_status === 'suspended' || row.expires_at.getTime() <= now.getTime()) {
		await db.deleteFrom('sessions').where('id', '=', id).execute();
		return null;
	}
	let expiresAt = row.expires_at;
	const refresh = expiresAt.getTime() - now.getTime() < SESSION_REFRESH_MS;
	if (refresh) expiresAt = new Date(now.getTime() + SESSION_IDLE_MS);
	// One write a minute or so per session, not one per request.
	const seenEvery = seenIntervalMs(id);
	const seen = !row.last_seen_at || now.getTime() - row.last_seen_at.getTime() >= seenEvery;
	if (refresh || seen) {
		const ip = client.ip ? client.ip.slice(0, 100) : row.ip;
		await db.updateTable('sessions').set({ expires_at: expiresAt, ...(seen ? { last_seen_at: now, ip } : {}) }).where('id', '=', id).execute();
	}
	const membership: ActiveMembership | null =
		row.membership_id !== null && row.org_id !== null
			? {
					id: row.membership_id,
					role: row.role as Role,
					orgId: row.org_id,
					orgName: row.org_name ?? '',
					orgKind: row.org_kind ?? '',
					regionCode: row.region_code ?? '',
					regionName: row.region_name ?? '',
					regionPath: row.region_path ?? ''
				}
			: null;
	const result = {
		session: { id, userId: row.user_id, expiresAt },
		user: {
			id: row.user_id,
			displayName: row.display_name,
			personId: row.person_id,
			mustChangePassword: row.must_change_password,
			membership
		}
	};
	// Cached until the next last_seen_at write or expiry refresh is due, whichever is first.
	const seenAt = seen ? now.getTime() : row.last_seen_at!.getTime();
	rememberSession(id, secretHash, result, now, Math.min(seenAt + seenEvery, expiresAt.getTime() - SESSION_REFRESH_MS), since);
	return result;
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
	await db.deleteFrom('sessions').where('id', '=', sessionId).execute();
	// At once in this process; other processes hear it from the trigger's NOTIFY at commit.
	forgetSessions(`s:${sessionId}`);
}

export async function invalidateUserSessions(db: Db, userId: number, exceptSessionId?: string): Promise<void> {
	let q = db.deleteFrom('sessions').where('user_id', '=', userId);
	if (exceptSessionId) q = q.where('id', '<>', exceptSessionId);
	await q.execute();
	forgetSessions(`u:${userId}`);
}

export async function setSessionMembership(db: Db, sessionId: string, membershipId: number): Promise<void> {
	await db.updateTable('sessions').set({ membership_id: membershipId }).where('id', '=', sessionId).execute();
	forgetSessions(`s:${sessionId}`);
}
