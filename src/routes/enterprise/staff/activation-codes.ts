import type { Scope } from '#lib/server/auth/guards.ts';
import { actorOf } from '#lib/server/audit/actor.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { issueActivationCodes } from '#lib/server/people/activation-codes.ts';
import { activationChannelFromEnv } from '#lib/server/people/activation-code.ts';

/** Shared by the staff list (every unactivated person) and a person's page (that person). */
export async function issueCodesFor(scope: Scope, event: { getClientAddress: () => string }, personIds: number[] | null) {
	const result = await issueActivationCodes(await getDb(), actorOf(scope, event), personIds, activationChannelFromEnv(process.env), now());
	return { activationCodes: result };
}
