// Which courses a person's annual plan needs. Pure rules: no database, no clock.

export type PlanCourse = {
	id: number;
	title: string;
	training_type: string;
	audience_roles: string[];
	audience_industries: string[];
	audience_high_risk: boolean | null;
	credit_hours: number;
};

export type PlanPerson = { role_category: string; industry_code: string | null; industry_parent: string | null; high_risk: boolean };

/** Course training types that serve a requirement kind, in order of preference. */
const TYPES_FOR_KIND: Record<string, string[]> = {
	annual: ['annual', 'topic'],
	initial: ['initial', 'topic'],
	pre_job: ['three_level', 'initial', 'topic'],
	special_review: ['annual', 'topic']
};

export function courseFitsPerson(course: PlanCourse, person: PlanPerson): boolean {
	if (!course.audience_roles.includes(person.role_category)) return false;
	if (course.audience_high_risk !== null && course.audience_high_risk !== person.high_risk) return false;
	if (course.audience_industries.length === 0) return true;
	return [person.industry_code, person.industry_parent].some((code) => code !== null && course.audience_industries.includes(code));
}

/**
 * Courses for one person: fitting courses of the preferred training types, larger first,
 * until their 学时 cover the requirement. If the catalogue cannot cover it, all fitting
 * courses are taken and the shortfall is reported.
 */
export function chooseCourses(
	requirement: { kind: string; hours: number },
	person: PlanPerson,
	catalogue: PlanCourse[]
): { courses: PlanCourse[]; assignedHours: number; shortfall: number } {
	const types = TYPES_FOR_KIND[requirement.kind] ?? [];
	const fitting = catalogue
		.filter((c) => types.includes(c.training_type) && courseFitsPerson(c, person))
		.sort((a, b) => types.indexOf(a.training_type) - types.indexOf(b.training_type) || b.credit_hours - a.credit_hours || a.id - b.id);
	const chosen: PlanCourse[] = [];
	let hours = 0;
	for (const course of fitting) {
		if (hours >= requirement.hours) break;
		chosen.push(course);
		hours += course.credit_hours;
	}
	return { courses: chosen, assignedHours: hours, shortfall: Math.max(0, requirement.hours - hours) };
}
