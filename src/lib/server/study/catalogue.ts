import { TYPES_FOR_KIND, type PlanCourse } from './plan.ts';

// The course catalogue's filters. Pure rules: no database.

export type CatalogueCourse = PlanCourse & { code: string; description: string; owner_name: string | null; /** the viewer's enterprise wrote it (车间级/班组级 and the like) */ own: boolean; lessons: number; minutes: number };
export type CatalogueIndustry = { code: string; parentCode: string | null; highRisk: boolean };
export type CatalogueRequirement = { code: string; title: string; kind: string; role_categories: string[]; high_risk: boolean | null; hours: number };

export type CatalogueQuery = {
	role?: string;
	industry?: string;
	minHours?: number;
	requirement?: string;
	type?: string;
};

/** Whether a course can count towards a requirement row: training type, role categories, 高危. */
export function courseServesRequirement(course: Pick<PlanCourse, 'training_type' | 'audience_roles' | 'audience_high_risk'>, rule: CatalogueRequirement): boolean {
	if (!(TYPES_FOR_KIND[rule.kind] ?? []).includes(course.training_type)) return false;
	if (!course.audience_roles.some((r) => rule.role_categories.includes(r))) return false;
	return rule.high_risk === null || course.audience_high_risk === null || course.audience_high_risk === rule.high_risk;
}

/** Whether a course is meant for an industry (its own code or its parent's; 高危 must match). */
export function courseFitsIndustry(course: Pick<PlanCourse, 'audience_industries' | 'audience_high_risk'>, industry: CatalogueIndustry): boolean {
	if (course.audience_high_risk !== null && course.audience_high_risk !== industry.highRisk) return false;
	if (course.audience_industries.length === 0) return true;
	return [industry.code, industry.parentCode].some((c) => c !== null && course.audience_industries.includes(c));
}

export function filterCatalogue<C extends CatalogueCourse>(
	courses: C[],
	query: CatalogueQuery,
	lookup: { industries: CatalogueIndustry[]; requirements: CatalogueRequirement[] }
): C[] {
	const industry = query.industry ? lookup.industries.find((i) => i.code === query.industry) : undefined;
	const rule = query.requirement ? lookup.requirements.find((r) => r.code === query.requirement) : undefined;
	return courses.filter(
		(c) =>
			(!query.role || c.audience_roles.length === 0 || c.audience_roles.includes(query.role)) &&
			(!industry || courseFitsIndustry(c, industry)) &&
			(query.minHours === undefined || c.credit_hours >= query.minHours) &&
			(!rule || courseServesRequirement(c, rule)) &&
			(!query.type || c.training_type === query.type)
	);
}
