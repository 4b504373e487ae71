import type { ScopedActor } from '../../src/lib/server/audit/actor.ts';
import type { Db } from '../../src/lib/server/db/index.ts';
import { seedReference } from '../../seeds/index.ts';
import { hashPassword } from '../../src/lib/server/auth/password.ts';
import { creditCodeCheckChar, idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';
import type { Role } from '../../src/lib/domain/labels.ts';

let counter = 0;

export function validIdNumber(region = '500112', birth = '19900101'): string {
	counter++;
	const first17 = `${region}${birth}${String(counter % 1000).padStart(3, '0')}`;
	return first17 + idNumberCheckChar(first17);
}

export function validCreditCode(region = '500112'): string {
	counter++;
	const first17 = `91${region}MA${String(counter).padStart(7, '0')}`;
	return first17 + creditCodeCheckChar(first17);
}

export async function makeOrg(db: Db, kind: 'enterprise' | 'institution' | 'regulator' | 'platform', region = '500112', name?: string) {
	await seedReference(db);
	const row = await db
		.insertInto('organisations')
		.values({ kind, name: name ?? `测试${kind}${++counter}`, region_code: region, credit_code: kind === 'platform' ? null : validCreditCode(region), industry_code: kind === 'enterprise' ? 'it_machinery' : null })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

let cachedHash: string | null = null;
export const TEST_PASSWORD = 'Secret123';

export async function makeUser(db: Db, opts: { role: Role; orgId: number; mobile?: string; mustChange?: boolean; disabled?: boolean }) {
	cachedHash ??= await hashPassword(TEST_PASSWORD);
	const mobile = opts.mobile ?? `137${String(++counter).padStart(8, '0')}`;
	const user = await db
		.insertInto('users')
		.values({ display_name: '测试用户', mobile, password_hash: cachedHash, must_change_password: opts.mustChange ?? false, disabled: opts.disabled ?? false })
		.returning('id')
		.executeTakeFirstOrThrow();
	await db.insertInto('memberships').values({ user_id: user.id, role: opts.role, org_id: opts.orgId }).execute();
	return { id: user.id, mobile };
}

/** A signed-in actor for calling use cases directly, as actorOf(scope, event) builds one in a route. */
export function actorFor(userId: number, orgId: number, role: string, personId: number | null = null): ScopedActor {
	return { userId, orgId, role, personId, ip: null };
}
