import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { makeOrg, makeUser } from '../support/factories.ts';
import { createSession, validateSessionToken } from '../../src/lib/server/auth/session.ts';
import { sessionCacheEnabled, startSessionCache } from '../../src/lib/server/auth/session-cache.ts';

const T0 = new Date('2026-12-05T08:00:00Z');

/** Polls until `check` holds: a NOTIFY arrives on the listening connection shortly after commit. */
async function eventually(check: () => Promise<boolean>, ms = 3000): Promise<boolean> {
	const until = Date.now() + ms;
	for (;;) {
		if (await check()) return true;
		if (Date.now() > until) return false;
		await new Promise((r) => setTimeout(r, 20));
	}
}

describe.each(BACKENDS)('session validation cache (%s)', (backend) => {
	let t: TestDatabase;
	let orgId: number;
	let stop: () => Promise<void> = async () => {};
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		orgId = await makeOrg(t.db, 'enterprise');
		if (t.url) {
			stop = startSessionCache(t.url, 5000);
			expect(await eventually(async () => sessionCacheEnabled())).toBe(true);
		}
	});
	afterAll(async () => {
		await stop();
		await t?.close();
	});

	async function session() {
		const u = await makeUser(t.db, { role: 'learner', orgId });
		const membership = await t.db.selectFrom('memberships').select('id').where('user_id', '=', u.id).executeTakeFirstOrThrow();
		const { token } = await createSession(t.db, u.id, membership.id, T0);
		return { userId: u.id, membershipId: membership.id, token, id: token.split('.')[0]! };
	}

	it('a validated session is served from the cache (PostgreSQL) or looked up every time (PGlite)', async () => {
		const s = await session();
		expect(await validateSessionToken(t.db, s.token, T0)).not.toBeNull();
		// expires_at is not watched (its sliding writes would flood NOTIFY); a direct write shows whether the row was read
		await t.db.updateTable('sessions').set({ expires_at: new Date(T0.getTime() - 1000) }).where('id', '=', s.id).execute();
		const again = await validateSessionToken(t.db, s.token, T0);
		if (t.url) expect(again?.user.id).toBe(s.userId);
		else expect(again).toBeNull();
	});

	it('a wrong secret for a cached session id is refused', async () => {
		const s = await session();
		expect(await validateSessionToken(t.db, s.token, T0)).not.toBeNull();
		const forged = `${s.id}.${'a'.repeat(32)}`;
		expect(await validateSessionToken(t.db, forged, T0)).toBeNull();
		expect(await validateSessionToken(t.db, s.token, T0)).not.toBeNull();
	});

	it('a session deleted by another connection (another instance logging it out) is refused once the NOTIFY arrives', async () => {
		const s = await session();
		expect(await validateSessionToken(t.db, s.token, T0)).not.toBeNull();
		await sql`delete from sessions where id = ${s.id}`.execute(t.db);
		expect(await eventually(async () => (await validateSessionToken(t.db, s.token, T0)) === null)).toBe(true);
	});

	it('disabling the user, suspending the organisation or changing the role reaches a cached session', async () => {
		const a = await session();
		expect(await validateSessionToken(t.db, a.token, T0)).not.toBeNull();
		await sql`update users set disabled = true where id = ${a.userId}`.execute(t.db);
		expect(await eventually(async () => (await validateSessionToken(t.db, a.token, T0)) === null)).toBe(true);

		const b = await session();
		expect((await validateSessionToken(t.db, b.token, T0))?.user.membership?.role).toBe('learner');
		await sql`update memberships set role = 'enterprise_admin' where id = ${b.membershipId}`.execute(t.db);
		expect(await eventually(async () => (await validateSessionToken(t.db, b.token, T0))?.user.membership?.role === 'enterprise_admin')).toBe(true);

		const c = await session();
		expect(await validateSessionToken(t.db, c.token, T0)).not.toBeNull();
		await sql`update organisations set status = 'suspended', suspended_at = now(), suspended_reason = '测试' where id = ${orgId}`.execute(t.db);
		expect(await eventually(async () => (await validateSessionToken(t.db, c.token, T0)) === null)).toBe(true);
		await sql`update organisations set status = 'active', suspended_at = null, suspended_reason = null where id = ${orgId}`.execute(t.db);
	});

	it('a rolled-back change notifies nobody and changes nothing', async () => {
		const s = await session();
		expect(await validateSessionToken(t.db, s.token, T0)).not.toBeNull();
		await t.db
			.transaction()
			.execute(async (tx) => {
				await sql`delete from sessions where id = ${s.id}`.execute(tx);
				throw new Error('rollback');
			})
			.catch(() => undefined);
		expect(await validateSessionToken(t.db, s.token, T0)).not.toBeNull();
	});
	it('sessions read together (a start spike: many browsers’ first requests) each get their own user, and nothing more', async () => {
		const many = await Promise.all(Array.from({ length: 12 }, () => session()));
		const disabled = await session();
		await t.db.updateTable('users').set({ disabled: true }).where('id', '=', disabled.userId).execute();
		const forged = `${many[0]!.id}.${'b'.repeat(32)}`;
		const unknown = `${'c'.repeat(32)}.${'d'.repeat(32)}`;
		const tokens = [...many.map((s) => s.token), disabled.token, forged, unknown, many[3]!.token];
		const results = await Promise.all(tokens.map((token) => validateSessionToken(t.db, token, T0)));
		many.forEach((s, i) => expect(results[i]?.user.id, `session ${i}`).toBe(s.userId));
		expect(results[12]).toBeNull();
		expect(results[13]).toBeNull();
		expect(results[14]).toBeNull();
		expect(results[15]?.user.id).toBe(many[3]!.userId);
		// the disabled user's session is gone, not only refused
		expect(await t.db.selectFrom('sessions').select('id').where('id', '=', disabled.id).executeTakeFirst()).toBeUndefined();
	});
});
