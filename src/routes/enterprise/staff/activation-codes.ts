import type { Scope } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { issueActivationCodes } from '#lib/server/people/activation-codes.ts';
import { activationChannelFromEnv } from '#lib/server/people/activation-code.ts';

/** Shared by the staff list (every unactivated person) and a person's page (that person). */
export async function issueCodesFor(scope: Scope, personIds: number[] | null, ip: string) {
	const result = await issueActivationCodes(await getDb(), { userId: scope.userId, role: scope.role, orgId: scope.orgId, personId: scope.personId, ip }, personIds, activationChannelFromEnv(process.env), now());
	return { activationCodes: result };
}
