import type { Migration } from 'kysely/migration';
import * as m001 from './2026-11-26-001-foundation.ts';
import * as m002 from './2026-11-26-002-question-banks.ts';
import * as m003 from './2026-11-26-003-courses-study.ts';
import * as m004 from './2026-11-26-004-exams.ts';
import * as m005 from './2026-11-26-005-certificates.ts';
import * as m006 from './2026-11-26-006-coverage.ts';
import * as m007 from './2026-12-04-007-bulk-and-derived-banks.ts';
import * as m008 from './2026-12-04-008-audit-activation.ts';
import * as m010 from './2026-12-04-010-study-findings.ts';
import * as m011 from './2026-12-04-011-special-operations.ts';
import * as m012 from './2026-12-05-012-org-admin.ts';
import * as m013 from './2026-12-05-013-accounts.ts';
import * as m014 from './2026-12-05-014-notifications.ts';
import * as m018 from './2026-12-05-018-retention-guard.ts';
import * as m022 from './2026-12-05-022-exchange-certificates.ts';
import * as m028 from './2026-12-05-028-hot-paths.ts';
import * as m016 from './2026-12-05-016-enterprise-directory.ts';
import * as m015 from './2026-12-05-015-registration.ts';
import * as m017 from './2026-12-05-017-supervision-notices.ts';
import * as m023 from './2026-12-05-023-question-groups.ts';
import * as m026 from './2026-12-05-026-lesson-quizzes.ts';
import * as m019 from './2026-12-05-019-so-application-drafts.ts';
import * as m027 from './2026-12-05-027-face-checks.ts';
import * as m029 from './2026-12-05-029-live-classes.ts';
import * as m030 from './2026-12-05-030-live-rollcalls-credit.ts';
import * as m031 from './2026-12-06-031-partition-events.ts';
import * as m032 from './2026-12-06-032-live-face-checks.ts';
import * as m033 from './2026-12-06-033-live-replay-lessons.ts';
import * as m034 from './2026-12-07-034-hot-path-triggers.ts';

// Every migration file, by name. A test checks this list against the folder, so a file
// added without an entry here fails CI instead of being silently skipped.
export const migrations: Record<string, Migration> = {
	'2026-11-26-001-foundation': m001,
	'2026-11-26-002-question-banks': m002,
	'2026-11-26-003-courses-study': m003,
	'2026-11-26-004-exams': m004,
	'2026-11-26-005-certificates': m005,
	'2026-11-26-006-coverage': m006,
	'2026-12-04-007-bulk-and-derived-banks': m007,
	'2026-12-04-008-audit-activation': m008,
	'2026-12-04-010-study-findings': m010,
	'2026-12-04-011-special-operations': m011,
	'2026-12-05-012-org-admin': m012,
	'2026-12-05-013-accounts': m013,
	'2026-12-05-014-notifications': m014,
	'2026-12-05-018-retention-guard': m018,
	'2026-12-05-016-enterprise-directory': m016,
	'2026-12-05-015-registration': m015,
	'2026-12-05-017-supervision-notices': m017,
	'2026-12-05-023-question-groups': m023,
	'2026-12-05-019-so-application-drafts': m019,
	'2026-12-05-022-exchange-certificates': m022,
	'2026-12-05-027-face-checks': m027,
	'2026-12-05-029-live-classes': m029,
	'2026-12-05-030-live-rollcalls-credit': m030,
	'2026-12-05-028-hot-paths': m028,
	'2026-12-05-026-lesson-quizzes': m026,
	'2026-12-06-031-partition-events': m031,
	'2026-12-06-032-live-face-checks': m032,
	'2026-12-06-033-live-replay-lessons': m033,
	'2026-12-07-034-hot-path-triggers': m034
};
