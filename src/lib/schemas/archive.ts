import { error } from '@sveltejs/kit';
import { z } from 'zod';

// The year of a training archive (安全生产教育和培训档案), as the archive pages and downloads take it in ?year=.

export const archiveYearSchema = z.coerce.number().int().min(2000).max(2100);

/** ?year= of an archive download: that year, or `fallback` when absent; anything else is a bad request (400). */
export function requireArchiveYear(url: URL, fallback: number): number {
	const year = archiveYearSchema.optional().safeParse(url.searchParams.get('year') ?? undefined);
	if (!year.success) error(400, '年度不正确');
	return year.data ?? fallback;
}
