import type { Migration } from 'kysely/migration';
import * as m001 from './2026-11-26-001-foundation.ts';

// Every migration file, by name. A test checks this list against the folder, so a file
// added without an entry here fails CI instead of being silently skipped.
export const migrations: Record<string, Migration> = {
	'2026-11-26-001-foundation': m001
};
