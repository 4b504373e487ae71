import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { seedIfEmpty } from '../../seeds/index.ts';
import { generateAnnualPlan } from '../../src/lib/server/study/plan-service.ts';
import { SYSTEM_ACTOR } from '../../src/lib/server/audit/actor.ts';

// Issue 15, done-when: after the demo seed (what `npm start` does on an empty database), the
// 2026 plan of every demo enterprise covers every person's requirement from the catalogue.

describe.each(BACKENDS)('demo enterprises 2026 plans (%s)', (backend) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		expect(await seedIfEmpty(t.db)).toBe(true);
	});
	afterAll(async () => t?.close());

	it('leaves no one short', async () => {
		const enterprises = await t.db.selectFrom('organisations').select(['id', 'name']).where('kind', '=', 'enterprise').orderBy('id').execute();
		expect(enterprises.length).toBeGreaterThan(0);
		const short: string[] = [];
		for (const e of enterprises) {
			const s = await generateAnnualPlan(t.db, { orgId: e.id, year: 2026, dueOn: '2026-12-31', actor: { ...SYSTEM_ACTOR, role: 'enterprise_admin' } }, new Date('2026-12-05T02:00:00Z'));
			for (const u of s.uncovered) short.push(`${e.name}：「${u.requirementTitle}」${u.required} 学时，${u.persons} 人（如 ${u.example.name}）只能排 ${u.example.assigned} 学时`);
		}
		expect(short).toEqual([]);
	});
});
