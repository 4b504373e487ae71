import type { Scope } from '../auth/guards.ts';
import type { Db } from '../db/index.ts';
import { appendAudit } from './audit.ts';

/**
 * Who does something: the one actor type every use case takes and every audit entry records.
 * `userId` null is the system (the background worker, a seed, a public page); `orgId` is the
 * caller's organisation (enterprise, institution, regulator or platform), `personId` their
 * 人员档案 where they have one. Time is not part of the actor: use cases take `now` separately.
 */
export type Actor = {
	userId: number | null;
	role: string | null;
	orgId: number | null;
	personId: number | null;
	ip: string | null;
};

/** The actor of a signed-in request: user, role and organisation are known (what `actorOf` returns). */
export type ScopedActor = Actor & { userId: number; role: string; orgId: number };

/** The background worker and other callers without a signed-in user. */
export const SYSTEM_ACTOR: Actor = Object.freeze({ userId: null, role: null, orgId: null, personId: null, ip: null });

type AddressSource = { getClientAddress: () => string };

/** The client address, or null where the adapter cannot tell (tests, internal calls). */
export function clientAddress(event: AddressSource): string | null {
	try {
		return event.getClientAddress();
	} catch {
		return null;
	}
}

/** The actor of a request: the guarded scope plus the client address. */
export function actorOf(scope: Pick<Scope, 'userId' | 'role' | 'orgId' | 'personId'>, event: AddressSource): ScopedActor {
	return { userId: scope.userId, role: scope.role, orgId: scope.orgId, personId: scope.personId, ip: clientAddress(event) };
}

/**
 * The actor of a page a regulator (its region) and the platform admin (every region) share, such as
 * the registration review and the enterprise merge: `regionPath` is null for the platform admin.
 */
export type RegionalActor = ScopedActor & { regionPath: string | null };

export function regionalActorOf(scope: Pick<Scope, 'userId' | 'role' | 'orgId' | 'personId' | 'regionPath'>, event: AddressSource): RegionalActor {
	return { ...actorOf(scope, event), regionPath: scope.role === 'platform_admin' ? null : scope.regionPath };
}

/**
 * Appends one audit entry for `actor`. Joins the caller's transaction, so a use case's writes and
 * its audit entry commit together (call it with the transaction the writes used).
 * Direct appendAudit only where no Actor is passed in: anonymous or self-service steps (login, logout, password change/reset, own sessions, notification settings, activation, registration submit) that record the user themselves or nobody.
 */
export function audit(db: Db, actor: Actor, at: Date, action: string, target: string | null, detail: Record<string, unknown> = {}): Promise<void> {
	return appendAudit(db, { at, actorUserId: actor.userId, actorRole: actor.role, action, target, detail, ip: actor.ip });
}
