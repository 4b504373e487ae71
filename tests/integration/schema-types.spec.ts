import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { sql } from 'kysely';
import { migrations } from '../../migrations/index.ts';
import { schema } from '../../src/lib/server/db/schema.ts';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../support/db.ts';
import { countAppliedMigrations } from '../../src/lib/server/db/index.ts';

it('migrations/index.ts lists every migration file', () => {
	const files = readdirSync('migrations')
		.filter((f) => /^\d{4}-\d{2}-\d{2}-.+\.ts$/.test(f))
		.map((f) => f.replace(/\.ts$/, ''))
		.sort();
	expect(Object.keys(migrations).sort()).toEqual(files);
});

const UDT: Record<string, string> = { text: 'text', integer: 'int4', bigint: 'int8', boolean: 'bool', timestamptz: 'timestamptz', jsonb: 'jsonb', bytea: 'bytea', date: 'date', numeric: 'numeric' };

describe.each(BACKENDS)('table types match the migrated database (%s)', (backend) => {
	let t: TestDatabase;
	beforeAll(async () => {
		t = await createTestDatabase(backend);
	});
	afterAll(async () => t?.close());

	it('has applied every migration', async () => {
		expect(await countAppliedMigrations(t.db)).toBe(Object.keys(migrations).length);
	});

	it('every table and column in src/lib/server/db/schema.ts exists with the same type, nullability and default', async () => {
		const { rows } = await sql<{ table_name: string; column_name: string; udt_name: string; is_nullable: string; column_default: string | null }>`
			select table_name, column_name, udt_name, is_nullable, column_default
			from information_schema.columns
			where table_schema = 'public' and table_name not like 'kysely_%'
				-- monthly partitions (migration 031) have their parent's columns; the parent is the type
				and table_name not in (select relname from pg_class where relispartition)`.execute(t.db);
		const actual: Record<string, Record<string, string>> = {};
		for (const r of rows) {
			(actual[r.table_name] ??= {})[r.column_name] = `${r.udt_name}${r.is_nullable === 'YES' ? ' null' : ''}${r.column_default !== null ? ' default' : ''}`;
		}
		const expected: Record<string, Record<string, string>> = {};
		for (const [table, cols] of Object.entries(schema)) {
			for (const [col, spec] of Object.entries(cols)) {
				const s = spec as { pg: string; null?: true; gen?: true };
				(expected[table] ??= {})[col] = `${UDT[s.pg]}${s.null ? ' null' : ''}${s.gen ? ' default' : ''}`;
			}
		}
		expect(actual).toEqual(expected);
	});
});
