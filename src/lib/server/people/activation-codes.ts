import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { maskIdNumber, maskMobile } from '../../domain/identifiers.ts';
import { ACTIVATION_CODE_TTL_MS, activationCodeText, generateActivationCode, hashActivationCode, type ActivationCodeChannel } from './activation-code.ts';
import { insertActivationCodes, listPersonsWithoutAccount, revokeLiveActivationCodes } from './activation.repository.ts';

/** A batch is one printout; an enterprise with more unactivated staff prints in several. */
export const ACTIVATION_CODE_BATCH_LIMIT = 2000;

export type IssuedCode = { personId: number; name: string; idNumberMasked: string; mobileMasked: string; code: string | null; expiresAt: Date };
export type IssueCodesResult = { channel: ActivationCodeChannel['kind']; issued: IssuedCode[]; failed: number };

/**
 * Issues a new code to each given person of the admin's enterprise (or every unactivated one)
 * who has no account yet; older codes stop working. Printed codes are returned once and never
 * stored; SMS codes are sent and not returned.
 */
export async function issueActivationCodes(
	db: Db,
	actor: ScopedActor,
	personIds: number[] | null,
	channel: ActivationCodeChannel,
	now: Date
): Promise<IssueCodesResult> {
	const expiresAt = new Date(now.getTime() + ACTIVATION_CODE_TTL_MS);
	const issued = await withTransaction(db, async (tx) => {
		const persons = await listPersonsWithoutAccount(tx, actor.orgId, personIds, ACTIVATION_CODE_BATCH_LIMIT);
		const withCodes = persons.map((p) => ({ person: p, code: generateActivationCode() }));
		await revokeLiveActivationCodes(tx, persons.map((p) => p.id), now);
		await insertActivationCodes(
			tx,
			withCodes.map(({ person, code }) => ({ personId: person.id, codeHash: hashActivationCode(person.id, code), channel: channel.kind, issuedBy: actor.userId, issuedAt: now, expiresAt }))
		);
		await audit(tx, actor, now, 'activation_code.issue', `org:${actor.orgId}`, { channel: channel.kind, count: persons.length, personIds: persons.map((p) => p.id) });
		return withCodes;
	});
	let failed = 0;
	const out: IssuedCode[] = [];
	for (const { person, code } of issued) {
		let shown: string | null = code;
		if (channel.kind === 'sms') {
			shown = null;
			try {
				if (!person.mobile) throw new Error('no mobile');
				await channel.send({ mobile: person.mobile, text: activationCodeText(code, expiresAt) });
			} catch {
				failed++;
				continue;
			}
		}
		out.push({ personId: person.id, name: person.name, idNumberMasked: maskIdNumber(person.id_number), mobileMasked: maskMobile(person.mobile), code: shown, expiresAt });
	}
	return { channel: channel.kind, issued: out, failed };
}
