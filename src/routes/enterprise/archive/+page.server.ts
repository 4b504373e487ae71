import { error } from '@sveltejs/kit';
import type { PageServerLoad } from './$types';
import { z } from 'zod';
import { archiveYearSchema } from '#lib/schemas/archive.ts';
import { clampPage, pageCount } from '#lib/domain/paging.ts';
import { requireRole } from '#lib/server/auth/guards.ts';
import { getDb, now } from '#lib/server/runtime.ts';
import { ARCHIVE_STATUS_LABELS, archiveYearOf, getEnterpriseArchive, listArchiveYears } from '#lib/server/study/archive.query.ts';

const PAGE_SIZE = 200;

const querySchema = z.object({
	year: archiveYearSchema.optional().catch(undefined),
	status: z.enum(['met', 'unmet', 'none']).optional().catch(undefined),
	page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined)
});

export const load: PageServerLoad = async ({ locals, url }) => {
	const scope = requireRole(locals, 'enterprise_admin');
	const current = archiveYearOf(now());
	const q = querySchema.parse({
		year: url.searchParams.get('year') ?? undefined,
		status: url.searchParams.get('status') || undefined,
		page: url.searchParams.get('page') ?? undefined
	});
	const year = q.year ?? current;
	const db = await getDb();
	const archive = await getEnterpriseArchive(db, scope.orgId, { year });
	if (!archive) error(404, '单位不存在');
	const years = [...new Set([current, year, ...(await listArchiveYears(db, { orgId: scope.orgId }))])].sort((a, b) => b - a);
	const filtered = q.status ? archive.rows.filter((r) => r.status === q.status) : archive.rows;
	const pages = pageCount(filtered.length, PAGE_SIZE);
	const page = clampPage(q.page ?? 1, filtered.length, PAGE_SIZE);
	return {
		year,
		years,
		status: q.status ?? null,
		org: archive.org,
		counts: archive.counts,
		statusLabels: ARCHIVE_STATUS_LABELS,
		total: archive.rows.length,
		matching: filtered.length,
		page,
		pages,
		rows: filtered.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE)
	};
};
