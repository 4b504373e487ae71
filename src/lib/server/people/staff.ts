import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import { invalidateUserSessions } from '../auth/session.ts';
import { maskIdNumber } from '../../domain/identifiers.ts';
import type { PersonInput, PersonUpdateInput } from '../../schemas/person.ts';
import { findIdentityClashes, type IdentityKeys } from './identity-clashes.ts';
import {
	findPersonForUpdate,
	findUserOfPerson,
	insertPerson,
	lockPersonWrites,
	setPersonActiveRow,
	setUserDisabled,
	specialOperationExists,
	updatePersonRow,
	updateUserIdentity,
	type PersonRow
} from './people.repository.ts';

// An enterprise admin adds, edits, disables and re-enables the persons of their own enterprise.
// Every use case checks the tenant inside its query (another enterprise's person is “not found”)
// and writes one audit entry in the same transaction as the change.

export type StaffActor = ScopedActor & { now: Date };

export type PersonWriteResult =
	| { ok: true; personId: number }
	| { ok: false; reason: 'not_found' }
	/** Field name (as in the form) → Chinese message. */
	| { ok: false; reason: 'invalid'; errors: Record<string, string> };

async function checkFields(db: Db, orgId: number, keys: IdentityKeys, specialOperationCode: string | null): Promise<Record<string, string>> {
	const errors: Record<string, string> = {};
	if (specialOperationCode && !(await specialOperationExists(db, specialOperationCode))) {
		errors.specialOperationCode = `特种作业目录中没有编号为“${specialOperationCode}”的操作项目`;
	}
	const [clashes = []] = await findIdentityClashes(db, orgId, [keys]);
	for (const c of clashes) errors[c.field] ??= c.message;
	return errors;
}

export async function createPerson(db: Db, input: PersonInput, actor: StaffActor): Promise<PersonWriteResult> {
	return withTransaction(db, async (tx) => {
		await lockPersonWrites(tx);
		const errors = await checkFields(tx, actor.orgId, { idNumber: input.idNumber, mobile: input.mobile }, input.specialOperationCode);
		if (Object.keys(errors).length) return { ok: false as const, reason: 'invalid' as const, errors };
		const personId = await insertPerson(tx, actor.orgId, input, actor.now);
		await audit(tx, actor, actor.now, 'person.create', `person:${personId}`, { orgId: actor.orgId, idNumber: maskIdNumber(input.idNumber), roleCategory: input.roleCategory });
		return { ok: true as const, personId };
	});
}

/** Fields of the person row that differ, by form field name (for the audit entry). */
function changedFields(before: PersonRow, after: Omit<PersonRow, 'id' | 'active'>): string[] {
	const pairs: [string, unknown, unknown][] = [
		['name', before.name, after.name],
		['idNumber', before.id_number, after.id_number],
		['mobile', before.mobile, after.mobile],
		['roleCategory', before.role_category, after.role_category],
		['specialOperationCode', before.special_operation_code, after.special_operation_code],
		['position', before.position, after.position],
		['hiredOn', before.hired_on, after.hired_on]
	];
	return pairs.filter(([, a, b]) => a !== b).map(([k]) => k);
}

/**
 * Saves an edit. An empty 身份证号 or 手机号 keeps the stored one; a new one is checked like on
 * creation. The person's sign-in account (if activated) follows: its name, and the ID number or
 * mobile it signs in with when that was the person's old one.
 */
export async function updatePerson(db: Db, personId: number, input: PersonUpdateInput, actor: StaffActor): Promise<PersonWriteResult> {
	return withTransaction(db, async (tx) => {
		await lockPersonWrites(tx);
		const before = await findPersonForUpdate(tx, actor.orgId, personId);
		if (!before) return { ok: false as const, reason: 'not_found' as const };
		const after = {
			name: input.name,
			id_number: input.idNumber ?? before.id_number,
			mobile: input.mobile ?? before.mobile,
			role_category: input.roleCategory,
			special_operation_code: input.specialOperationCode,
			position: input.position,
			hired_on: input.hiredOn
		};
		const keys: IdentityKeys = {
			idNumber: after.id_number !== before.id_number ? after.id_number : null,
			mobile: after.mobile !== before.mobile ? after.mobile : null,
			personId
		};
		const opChanged = after.special_operation_code !== before.special_operation_code;
		const errors = await checkFields(tx, actor.orgId, keys, opChanged ? after.special_operation_code : null);
		if (Object.keys(errors).length) return { ok: false as const, reason: 'invalid' as const, errors };

		const changed = changedFields(before, after);
		if (changed.length === 0) return { ok: true as const, personId };
		await updatePersonRow(tx, personId, after);
		const user = await findUserOfPerson(tx, personId);
		if (user) {
			await updateUserIdentity(tx, user.id, {
				display_name: after.name,
				id_number: user.id_number === before.id_number ? after.id_number : user.id_number,
				mobile: user.mobile !== null && user.mobile === before.mobile ? after.mobile : user.mobile
			});
		}
		await audit(tx, actor, actor.now, 'person.update', `person:${personId}`, { changed, ...(user ? { userId: user.id } : {}) });
		return { ok: true as const, personId };
	});
}

export type SetActiveResult = { ok: true; changed: boolean } | { ok: false; reason: 'not_found' | 'self' };

/**
 * 停用 / 启用. Disabling also disables the person's sign-in account and ends all its sessions;
 * enabling re-enables the account. An admin cannot disable their own person record (they would
 * lock themselves out).
 */
export async function setPersonActive(db: Db, personId: number, active: boolean, actor: StaffActor): Promise<SetActiveResult> {
	return withTransaction(db, async (tx) => {
		const person = await findPersonForUpdate(tx, actor.orgId, personId);
		if (!person) return { ok: false as const, reason: 'not_found' as const };
		if (!active && actor.personId === personId) return { ok: false as const, reason: 'self' as const };
		if (person.active === active) return { ok: true as const, changed: false };
		await setPersonActiveRow(tx, personId, active);
		const user = await findUserOfPerson(tx, personId);
		if (user) {
			await setUserDisabled(tx, user.id, !active);
			if (!active) await invalidateUserSessions(tx, user.id);
		}
		await audit(tx, actor, actor.now, active ? 'person.enable' : 'person.disable', `person:${personId}`, user ? { userId: user.id } : {});
		return { ok: true as const, changed: true };
	});
}
