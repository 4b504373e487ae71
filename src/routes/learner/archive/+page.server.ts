import type { PageServerLoad } from './$types';
import { z } from 'zod';
import { archiveYearSchema } from '#lib/schemas/archive.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { ARCHIVE_STATUS_LABELS, archiveYearOf, getPersonArchive, listArchiveYears } from '#lib/server/study/archive.query.ts';

const querySchema = z.object({ year: archiveYearSchema.optional().catch(undefined) });

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'learner');
	const current = archiveYearOf(now());
	const { year = current } = querySchema.parse({ year: url.searchParams.get('year') ?? undefined });
	if (!scope.personId) return { year, years: [current], archive: null, statusLabels: ARCHIVE_STATUS_LABELS };
	const db = await getDb();
	const years = [...new Set([current, year, ...(await listArchiveYears(db, { personId: scope.personId }))])].sort((a, b) => b - a);
	return { year, years, archive: (await getPersonArchive(db, scope.personId, { year })) ?? null, statusLabels: ARCHIVE_STATUS_LABELS };
};
