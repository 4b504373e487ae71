import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type ScopedActor } from '../audit/actor.ts';
import type { PersonInput } from '../../schemas/person.ts';
import { findIdentityClashes } from './identity-clashes.ts';
import { insertPersons, lockPersonWrites } from './people.repository.ts';
import { listSpecialOperations } from './people.query.ts';
import { listErrors, parseStaffXlsx, type RowError } from './staff-excel.ts';

export type StaffImportActor = ScopedActor & { now: Date };

export type StaffImportResult =
	| { ok: true; imported: number }
	/** Nothing was written. `errors` is capped (see listErrors); `badRows` counts every bad row. */
	| { ok: false; errors: RowError[]; badRows: number };

const COLUMN_OF = { idNumber: '身份证号', mobile: '手机号' } as const;

/**
 * Imports an enterprise's staff from .xlsx. All or nothing, in one transaction: any bad row
 * (in the file, or clashing with persons and accounts already registered) and nothing is
 * written, and every bad row is reported. New persons have no sign-in account yet; they
 * activate one themselves (see activation.ts).
 */
export async function importStaffXlsx(
	db: Db,
	input: { data: Uint8Array; maxRows?: number },
	actor: StaffImportActor
): Promise<StaffImportResult> {
	const specialOperations = await listSpecialOperations(db);
	const parsed = await parseStaffXlsx(input.data, { specialOperations, now: actor.now, maxRows: input.maxRows });
	if (!parsed.readable) return { ok: false, errors: parsed.errors, badRows: 0 };

	return withTransaction(db, async (tx) => {
		await lockPersonWrites(tx);
		const errors: RowError[] = [...parsed.errors];
		const clashes = await findIdentityClashes(tx, actor.orgId, parsed.rows);
		parsed.rows.forEach((r, i) => {
			for (const c of clashes[i] ?? []) {
				const column = COLUMN_OF[c.field];
				errors.push({ row: r.row, column, message: `第${r.row}行“${column}”：${c.message}` });
			}
		});
		if (errors.length) {
			return { ok: false as const, errors: listErrors(errors), badRows: new Set(errors.map((e) => e.row)).size };
		}
		const persons = parsed.rows.map((r) => r.person).filter((p): p is PersonInput => p !== null);
		// Every row without an error has its person; a mismatch would be a bug in the reader.
		if (persons.length !== parsed.rows.length) throw new Error('staff import: a row has neither a person nor an error');
		const imported = await insertPersons(tx, actor.orgId, persons, actor.now);
		await audit(tx, actor, actor.now, 'staff.import', `org:${actor.orgId}`, { count: imported });
		return { ok: true as const, imported };
	});
}
