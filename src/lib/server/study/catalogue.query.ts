import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { LessonKind } from '../../domain/courses.ts';
import { sourcesSection } from '../courses/content-check.ts';
import type { CatalogueCourse } from './catalogue.ts';

// Read-only queries for the course catalogue: published courses of every institution, and the
// viewer's enterprise's own courses (never another enterprise's).

export async function listCatalogueCourses(db: Db, viewerOrgId: number): Promise<CatalogueCourse[]> {
	const rows = await db
		.selectFrom('courses as c')
		.leftJoin('organisations as o', 'o.id', 'c.owner_org_id')
		.leftJoin('lessons as l', 'l.course_id', 'c.id')
		.select([
			'c.id',
			'c.code',
			'c.title',
			'c.description',
			'c.training_type',
			'c.audience_roles',
			'c.audience_industries',
			'c.audience_high_risk',
			'c.credit_hours',
			'c.owner_org_id',
			'o.name as owner_name',
			(eb) => eb.fn.count<number>('l.id').as('lessons'),
			(eb) => eb.fn.coalesce(eb.fn.sum<number>('l.minutes'), eb.lit(0)).as('minutes')
		])
		.where('c.status', '=', 'published')
		.where((eb) => eb.or([eb('o.kind', 'is distinct from', 'enterprise'), eb('c.owner_org_id', '=', viewerOrgId)]))
		.groupBy(['c.id', 'o.name'])
		.orderBy('c.credit_hours', 'desc')
		.orderBy('c.title')
		.execute();
	return rows.map(({ owner_org_id, ...r }) => ({
		...r,
		own: owner_org_id === viewerOrgId,
		audience_roles: r.audience_roles as string[],
		audience_industries: r.audience_industries as string[],
		credit_hours: Number(r.credit_hours),
		lessons: Number(r.lessons),
		minutes: Number(r.minutes)
	}));
}

export type CatalogueDetail = {
	modules: { title: string; lessons: { title: string; kind: LessonKind; minutes: number }[] }[];
	/** each lesson's 「依据」, de-duplicated, in lesson order */
	sources: string[];
};

/** The syllabus and sources of a published course; null when there is no such published course. */
export async function getCatalogueDetail(db: Db, courseId: number, viewerOrgId: number): Promise<CatalogueDetail | null> {
	const course = await db
		.selectFrom('courses as c')
		.leftJoin('organisations as o', 'o.id', 'c.owner_org_id')
		.select('c.id')
		.where('c.id', '=', courseId)
		.where('c.status', '=', 'published')
		.where((eb) => eb.or([eb('o.kind', 'is distinct from', 'enterprise'), eb('c.owner_org_id', '=', viewerOrgId)]))
		.executeTakeFirst();
	if (!course) return null;
	const [modules, lessons] = await Promise.all([
		db.selectFrom('course_modules').select(['id', 'title']).where('course_id', '=', courseId).orderBy('position').execute(),
		db.selectFrom('lessons').select(['module_id', 'title', 'kind', 'minutes', 'body_md']).where('course_id', '=', courseId).orderBy('position').execute()
	]);
	const sources: string[] = [];
	for (const m of modules) {
		for (const l of lessons.filter((x) => x.module_id === m.id)) {
			const section = sourcesSection(l.body_md);
			if (!section) continue;
			for (const part of section.split(/\n+/)[0]!.split(/[；;]/).map((s) => s.trim().replace(/[。.]$/, ''))) {
				if (part && !sources.includes(part)) sources.push(part);
			}
		}
	}
	return {
		modules: modules.map((m) => ({
			title: m.title,
			lessons: lessons.filter((l) => l.module_id === m.id).map((l) => ({ title: l.title, kind: l.kind, minutes: Number(l.minutes) }))
		})),
		sources
	};
}

/** The person's role category and their enterprise's industry (the learner's default filter). */
export async function findCatalogueProfile(db: Db, personId: number, orgId: number): Promise<{ role: string; industry: string | null; hiredOn: string | null; highRisk: boolean } | null> {
	const row = await db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.leftJoin('industries as i', 'i.code', 'o.industry_code')
		.leftJoin('industries as parent', 'parent.code', 'i.parent_code')
		.select(['p.role_category', 'o.industry_code', 'p.hired_on', sql<boolean>`coalesce(i.high_risk, false) or coalesce(parent.high_risk, false)`.as('high_risk')])
		.where('p.id', '=', personId)
		.where('p.org_id', '=', orgId)
		.executeTakeFirst();
	return row ? { role: row.role_category, industry: row.industry_code, hiredOn: row.hired_on, highRisk: row.high_risk } : null;
}

/** The enterprise's industry (the admin's default industry filter). */
export async function findOrgIndustry(db: Db, orgId: number): Promise<string | null> {
	const row = await db.selectFrom('organisations').select('industry_code').where('id', '=', orgId).executeTakeFirst();
	return row?.industry_code ?? null;
}
