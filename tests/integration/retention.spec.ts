import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { seedIfEmpty } from '../../seeds/index.ts';
import { countEveryTable } from '../../src/lib/server/backup/backup.repository.ts';
import { setPersonActive } from '../../src/lib/server/people/staff.ts';
import { RETENTION_RULES, TRAINING_RECORD_TABLES } from '../../src/lib/server/retention/rules.ts';
import { listRuleCatalogue } from '../../src/lib/server/admin/rule-catalogue.ts';

const NOW = new Date('2026-12-05T06:00:00Z');

describe.each(BACKENDS)('retention of training records (%s)', (backend) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
		await seedIfEmpty(t.db, { demo: true });
	}, 240_000);
	afterAll(async () => {
		await t?.close();
	});

	it('the database refuses to delete any training record, also when cascaded or truncated', async () => {
		const before = await countEveryTable(t.db);
		let tried = 0;
		for (const table of TRAINING_RECORD_TABLES) {
			if (!before[table]) continue;
			tried++;
			const where = table === 'exam_attempts' ? sql`where status <> 'ready'` : sql``;
			await expect(sql`delete from ${sql.table(table)} ${where}`.execute(t.db), table).rejects.toThrow(/retention|append-only/);
			await expect(sql`truncate ${sql.table(table)} cascade`.execute(t.db), table).rejects.toThrow(/retention|append-only/);
		}
		expect(tried).toBeGreaterThanOrEqual(8); // the demo world has enrolments, progress, attempts, certificates …
		// a person's records go with nothing: deleting the person (or their organisation) is refused
		const person = await t.db.selectFrom('certificates').select('person_id').limit(1).executeTakeFirstOrThrow();
		await expect(sql`delete from persons where id = ${person.person_id}`.execute(t.db)).rejects.toThrow(/retention|foreign key/);
		expect(await countEveryTable(t.db)).toEqual(before);
	});

	it('an exam attempt that never started may still leave a roster (it holds no record)', async () => {
		const started = await t.db.selectFrom('exam_attempts').select('id').where('status', '<>', 'ready').limit(1).executeTakeFirstOrThrow();
		await expect(sql`delete from exam_attempts where id = ${started.id}`.execute(t.db)).rejects.toThrow(/retention/);
		const ready = await t.db.selectFrom('exam_attempts').select('id').where('status', '=', 'ready').limit(1).executeTakeFirst();
		if (ready) {
			await t.db.transaction().execute(async (tx) => {
				await tx.deleteFrom('exam_attempts').where('id', '=', ready.id).execute();
				expect(await tx.selectFrom('exam_attempts').select('id').where('id', '=', ready.id).executeTakeFirst()).toBeUndefined();
				throw new Error('rollback');
			}).catch((e: Error) => expect(e.message).toBe('rollback'));
		}
	});

	it('disabling a person and their account deletes none of their records', async () => {
		const holder = await t.db
			.selectFrom('persons as p')
			.innerJoin('users as u', 'u.person_id', 'p.id')
			.innerJoin('memberships as m', (j) => j.onRef('m.org_id', '=', 'p.org_id').on('m.role', '=', 'enterprise_admin'))
			.select(['p.id as personId', 'p.org_id as orgId', 'u.id as userId', 'm.user_id as adminId'])
			.where('p.active', '=', true)
			.where((eb) => eb.exists(eb.selectFrom('study_events as e').select('e.id').whereRef('e.person_id', '=', 'p.id')))
			.whereRef('m.user_id', '<>', 'u.id')
			.limit(1)
			.executeTakeFirstOrThrow();
		const mine = async () => ({
			enrolments: (await t.db.selectFrom('enrolments').select('id').where('person_id', '=', holder.personId).execute()).length,
			certificates: (await t.db.selectFrom('certificates').select('id').where('person_id', '=', holder.personId).execute()).length,
			studyEvents: (await t.db.selectFrom('study_events').select('id').where('person_id', '=', holder.personId).execute()).length
		});
		const before = await countEveryTable(t.db);
		const records = await mine();
		expect(records.enrolments).toBeGreaterThan(0);
		expect(records.studyEvents).toBeGreaterThan(0);
		const r = await setPersonActive(t.db, holder.personId, false, { userId: holder.adminId, role: 'enterprise_admin', orgId: holder.orgId, personId: null, ip: null, now: NOW });
		expect(r).toEqual({ ok: true, changed: true });
		const user = await t.db.selectFrom('users').select('disabled').where('id', '=', holder.userId).executeTakeFirstOrThrow();
		expect(user.disabled).toBe(true);
		expect(await mine()).toEqual(records);
		const after = await countEveryTable(t.db);
		// only the audit entry is added, the account's sessions end and the person leaves the
		// derived coverage denominator (coverage_person is recomputed state); every record stays
		const recordTables = (c: Record<string, number>) => Object.fromEntries(Object.entries(c).filter(([k]) => !['audit_log', 'sessions', 'coverage_person'].includes(k)));
		expect(recordTables(after)).toEqual(recordTables(before));
		expect(after.audit_log).toBe(before.audit_log! + 1);
	});

	it('shows the retention rules, with their source, on the operator rules page', async () => {
		const groups = await listRuleCatalogue(t.db);
		const group = groups.find((g) => g.title === '培训档案保存期限');
		expect(group?.entries.map((e) => e.code)).toEqual(RETENTION_RULES.map((r) => r.code));
		expect(group!.entries[0]!.value).toContain('不少于 6 年');
		expect(group!.entries[1]!.value).toContain('不少于 3 年');
		expect(group!.entries[0]!.basis).toContain('赣应急字〔2024〕24号）第十五条');
		expect(group!.entries[2]!.statusLabel).toContain('未核实');
	});
});

describe('no delete path in the app touches training records', () => {
	// Proof by inspection, kept true by this test: the only statement that deletes from a record
	// table is removing a candidate whose attempt never started (the database allows only that).
	const ALLOWED = new Set(['src/lib/server/exams/session.repository.ts:exam_attempts']);
	function* files(dir: string): Generator<string> {
		for (const name of readdirSync(dir)) {
			const path = join(dir, name);
			if (statSync(path).isDirectory()) yield* files(path);
			else if (/\.(ts|svelte)$/.test(name) && !name.endsWith('.spec.ts')) yield path;
		}
	}
	it('finds no deleteFrom / delete from / truncate on a record table outside the allowed one', () => {
		const found: string[] = [];
		const tables = TRAINING_RECORD_TABLES.join('|');
		const pattern = new RegExp(String.raw`deleteFrom\(\s*'(${tables})(?:\s+as\s+\w+)?'|delete\s+from\s+(${tables})\b|truncate\s+(?:table\s+)?(${tables})\b`, 'gi');
		for (const file of files('src')) {
			for (const m of readFileSync(file, 'utf8').matchAll(pattern)) {
				const key = `${file}:${(m[1] ?? m[2] ?? m[3])!.toLowerCase()}`;
				if (!ALLOWED.has(key)) found.push(key);
			}
		}
		expect(found).toEqual([]);
	});
});
