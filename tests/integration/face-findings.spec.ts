// Issue 16: the regulators' face findings. "One face, several accounts" must show on the demo data.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { seedIfEmpty } from '../../seeds/index.ts';
import { listFindings } from '../../src/lib/server/findings/findings.query.ts';
import type { Db } from '../../src/lib/server/db/index.ts';

for (const backend of BACKENDS) {
	describe(`face findings (${backend})`, () => {
		let t: TestDatabase;
		let db: Db;
		beforeAll(async () => {
			t = await createTestDatabase(backend);
			db = t.db;
			await seedIfEmpty(db, { demo: true });
		}, 300_000);
		afterAll(async () => t?.close());

		it('the demo data shows "one face, several accounts" in its enterprise', async () => {
			const found = await listFindings(db, '/', new Date(), 'face_shared');
			expect(found).toHaveLength(1);
			expect(found[0]!.detail).toMatch(/2 个账号的人脸比对一致/);
			expect(JSON.stringify(found)).not.toMatch(/embedding|image/);
		});

		it('camera unavailable in one enterprise and credited hours with failed checks are found', async () => {
			const persons = await db.selectFrom('face_references').select('person_id').execute();
			const now = new Date();
			for (const [i, p] of persons.entries()) {
				for (let k = 0; k < 3; k++) {
					await db.insertInto('face_checks').values({ person_id: p.person_id, context: 'study', at: new Date(now.getTime() - (i * 10 + k) * 60_000), outcome: 'camera_unavailable' }).execute();
				}
			}
			const camera = await listFindings(db, '/', now, 'face_camera');
			expect(camera).toHaveLength(1);
			expect(camera[0]!.detail).toContain('6 次');
			await db.insertInto('study_events').values({ at: now, person_id: persons[0]!.person_id, kind: 'beat', credited_seconds: 1800 }).execute();
			const failed = await listFindings(db, '/', now, 'face_failed_credit');
			expect(failed.map((f) => f.key)).toContain(`face_failed_credit:person:${persons[0]!.person_id}`);
			expect(failed[0]!.detail).toMatch(/人脸核验 3 次未通过、0 次通过/);
		});
	});
}
