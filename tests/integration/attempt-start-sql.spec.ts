import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { checkIdNumber, idNumberCheckChar } from '../../src/lib/domain/identifiers.ts';
import { VALID_ID_NUMBER_SQL } from '../../src/lib/server/exams/exam.repository.ts';

// The one-statement start checks the 身份证号 in SQL: it must agree with checkIdNumber exactly.
const withCheck = (first17: string) => first17 + idNumberCheckChar(first17);
const NUMBERS = [
	withCheck('11010519491231002'),
	withCheck('44030419900101123'),
	withCheck('11010520000229123'), // leap day
	'11010519000229' + '1231', // 1900 is no leap year
	withCheck('11010519000229123').slice(0, 17) + '0',
	withCheck('11010520010229123'), // no leap day in 2001
	withCheck('11010520011301123'), // month 13
	withCheck('11010520010001123'), // month 0
	withCheck('11010520010431123'), // 31 April
	withCheck('11010520011231123'),
	withCheck('11010520011200123'), // day 0
	withCheck('11010518991231123'), // before 1900
	withCheck('11010500001231123'),
	'110105194912310021', // wrong check digit (unless it is right: compared either way)
	'11010519491231002x', // lower-case x
	'11010519491231002', // 17 characters
	'1101051949123100211', // 19 characters
	'11010519491231002Ｘ',
	'abcdefghijklmnopqr',
	'',
	withCheck('12345619870612345'),
	withCheck('65010219991231999'),
	withCheck('65010299991231999')
];
// Every check character for one number: exactly one is right.
for (const c of '0123456789X') NUMBERS.push('51010219800704123' + c);

for (const backend of BACKENDS) {
	describe(`GB 11643 in SQL (${backend})`, () => {
		let t: TestDatabase;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
		});
		afterAll(async () => t?.close());

		it('agrees with checkIdNumber on valid and invalid numbers', async () => {
			const valid = NUMBERS.filter((n) => checkIdNumber(n) === null);
			expect(valid.length).toBeGreaterThan(5);
			expect(NUMBERS.length - valid.length).toBeGreaterThan(10);
			for (const n of NUMBERS) {
				const { rows } = await sql<{ ok: boolean }>`select ${VALID_ID_NUMBER_SQL} as ok from (select ${n}::text as id_number) p`.execute(t.db);
				expect({ n, ok: rows[0]!.ok }).toEqual({ n, ok: checkIdNumber(n) === null });
			}
		});
	});
}
