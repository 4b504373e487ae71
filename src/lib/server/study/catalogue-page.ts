import { z } from 'zod';
import type { Db } from '../db/index.ts';
import { ENTERPRISE_ROLE_CATEGORIES } from '../../domain/labels.ts';
import { TRAINING_TYPES } from '../../domain/courses.ts';
import { listIndustryChoices } from '../courses/courses.query.ts';
import { listRequirementRules } from './requirements.repository.ts';
import { formatBasis, pickRequirement } from './requirements.ts';
import { courseServesRequirement, filterCatalogue, type CatalogueCourse, type CatalogueQuery, type CatalogueRequirement } from './catalogue.ts';
import { findCatalogueProfile, findOrgIndustry, getCatalogueDetail, listCatalogueCourses } from './catalogue.query.ts';

// What the catalogue pages (enterprise admin and learner) show. A bad filter value is ignored
// (the filter is a link anyone may edit), never an error.

const optional = <T extends z.ZodType>(s: T) => s.optional().catch(undefined);
export const catalogueQuerySchema = z.object({
	role: optional(z.enum(ENTERPRISE_ROLE_CATEGORIES as [string, ...string[]])),
	industry: optional(z.string().trim().min(1).max(40)),
	minHours: optional(z.coerce.number().min(0).max(1000)),
	requirement: optional(z.string().trim().min(1).max(60)),
	type: optional(z.enum(TRAINING_TYPES))
});

export function parseCatalogueQuery(params: URLSearchParams): CatalogueQuery {
	const get = (k: string) => params.get(k) || undefined;
	return catalogueQuerySchema.parse({ role: get('role'), industry: get('industry'), minHours: get('minHours'), requirement: get('requirement'), type: get('type') });
}

export type CatalogueRow = CatalogueCourse & { serves: { code: string; title: string; covers: boolean }[] };

function servedBy(course: CatalogueCourse, rules: CatalogueRequirement[]) {
	return rules.filter((r) => courseServesRequirement(course, r)).map((r) => ({ code: r.code, title: r.title, covers: course.credit_hours >= r.hours }));
}

async function lookups(db: Db) {
	const [industries, rules] = await Promise.all([listIndustryChoices(db), listRequirementRules(db)]);
	const requirements: (CatalogueRequirement & { basis: string })[] = rules
		.filter((r) => r.kind !== 'parameter')
		.map((r) => ({ code: r.code, title: r.title, kind: r.kind, role_categories: r.role_categories, high_risk: r.high_risk, hours: r.hours, basis: formatBasis(r) }));
	return { industries, requirements };
}

/** The catalogue as the viewer's enterprise sees it (`viewerOrgId`: the enterprise, or the learner's enterprise). */
export async function loadCatalogue(db: Db, query: CatalogueQuery, viewerOrgId: number) {
	const [courses, { industries, requirements }] = await Promise.all([listCatalogueCourses(db, viewerOrgId), lookups(db)]);
	// unknown codes in the link: drop them so the form shows what was really applied
	const applied: CatalogueQuery = {
		...query,
		industry: industries.some((i) => i.code === query.industry) ? query.industry : undefined,
		requirement: requirements.some((r) => r.code === query.requirement) ? query.requirement : undefined
	};
	const rows: CatalogueRow[] = filterCatalogue(courses, applied, { industries, requirements }).map((c) => ({ ...c, serves: servedBy(c, requirements) }));
	return {
		query: applied,
		total: courses.length,
		courses: rows,
		industries: industries.map((i) => ({ code: i.code, name: i.name, highRisk: i.highRisk })),
		requirements: requirements.map((r) => ({ code: r.code, title: r.title, hours: r.hours, highRisk: r.high_risk, basis: r.basis }))
	};
}

/** One published course with its syllabus, sources and the requirements it can count towards; null when not published. */
export async function loadCatalogueCourse(db: Db, courseId: number, viewerOrgId: number) {
	const [courses, detail, { industries, requirements }] = await Promise.all([listCatalogueCourses(db, viewerOrgId), getCatalogueDetail(db, courseId, viewerOrgId), lookups(db)]);
	const course = courses.find((c) => c.id === courseId);
	if (!course || !detail) return null;
	const industryNames = course.audience_industries.map((code) => industries.find((i) => i.code === code)?.name ?? code);
	return { course: { ...course, serves: servedBy(course, requirements), industryNames }, ...detail };
}

/**
 * The catalogue link a learner follows to see the courses for their own requirement this year
 * (their role category, their enterprise's industry, the requirement that applies to them).
 */
export async function learnerShortcut(db: Db, personId: number, orgId: number, year: number): Promise<{ label: string; query: string } | null> {
	const [profile, rules] = await Promise.all([findCatalogueProfile(db, personId, orgId), listRequirementRules(db)]);
	if (!profile) return null;
	const q = new URLSearchParams({ role: profile.role });
	if (profile.industry) q.set('industry', profile.industry);
	const rule = pickRequirement(rules, { role_category: profile.role, high_risk: profile.highRisk, hired_on: profile.hiredOn }, year);
	if (rule) q.set('requirement', rule.code);
	return { label: rule ? `适合我的课程（${rule.title}，${rule.hours} 学时）` : '适合我的课程', query: q.toString() };
}

/** The catalogue link for the enterprise's own industry. */
export async function enterpriseShortcut(db: Db, orgId: number): Promise<{ label: string; query: string } | null> {
	const industry = await findOrgIndustry(db, orgId);
	return industry ? { label: '只看适合本单位行业的课程', query: new URLSearchParams({ industry }).toString() } : null;
}
