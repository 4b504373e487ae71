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
export const TYPES_FOR_KIND: Record<string, string[]> = {
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

/** The k-subsets of `items` (in order), stopping after `limit` of them. */
function* subsets<T>(items: T[], k: number, limit: number): Generator<T[]> {
	const idx = Array.from({ length: k }, (_, i) => i);
	let n = 0;
	while (n++ < limit) {
		yield idx.map((i) => items[i]!);
		let i = k - 1;
		while (i >= 0 && idx[i] === items.length - k + i) i--;
		if (i < 0) return;
		idx[i]!++;
		for (let j = i + 1; j < k; j++) idx[j] = idx[j - 1]! + 1;
	}
}

/** Beyond this many subsets of the smallest size, the largest courses are taken as they are. */
const SUBSET_LIMIT = 20_000;

export function fittingCourses(requirement: { kind: string }, person: PlanPerson, catalogue: PlanCourse[]): PlanCourse[] {
	const types = TYPES_FOR_KIND[requirement.kind] ?? [];
	return catalogue.filter((c) => types.includes(c.training_type) && courseFitsPerson(c, person));
}

/**
 * Courses for one person: the fewest fitting courses whose 学时 cover the requirement; among
 * as few courses, the ones with the fewest 学时 beyond it, then the preferred training types
 * (an annual course before topic modules). If the catalogue cannot cover the requirement, all
 * fitting courses are taken and the shortfall is reported.
 */
export function chooseCourses(
	requirement: { kind: string; hours: number },
	person: PlanPerson,
	catalogue: PlanCourse[]
): { courses: PlanCourse[]; assignedHours: number; shortfall: number } {
	const types = TYPES_FOR_KIND[requirement.kind] ?? [];
	const fitting = fittingCourses(requirement, person, catalogue).sort((a, b) => b.credit_hours - a.credit_hours || types.indexOf(a.training_type) - types.indexOf(b.training_type) || a.id - b.id);
	const sum = (cs: PlanCourse[]) => Math.round(cs.reduce((s, c) => s + c.credit_hours, 0) * 10) / 10;
	const total = sum(fitting);
	if (total < requirement.hours) return { courses: fitting, assignedHours: total, shortfall: Math.round((requirement.hours - total) * 10) / 10 };
	// the k largest courses carry the most 学时 any k courses can: the first k that covers is the fewest
	let k = 0;
	while (sum(fitting.slice(0, k)) < requirement.hours) k++;
	if (k === 0) return { courses: [], assignedHours: 0, shortfall: 0 };
	let best = fitting.slice(0, k);
	const rank = (cs: PlanCourse[]) => [sum(cs), cs.reduce((s, c) => s + types.indexOf(c.training_type), 0)] as const;
	let bestRank = rank(best);
	for (const candidate of subsets(fitting, k, SUBSET_LIMIT)) {
		if (sum(candidate) < requirement.hours) continue;
		const r = rank(candidate);
		if (r[0] < bestRank[0] || (r[0] === bestRank[0] && r[1] < bestRank[1])) {
			best = candidate;
			bestRank = r;
		}
	}
	return { courses: best, assignedHours: sum(best), shortfall: 0 };
}

/** The catalogue filter that lists the courses which could cover a person's requirement. */
export function catalogueFilterFor(requirement: { code: string }, person: PlanPerson & { role_category: string }): string {
	const q = new URLSearchParams({ role: person.role_category, requirement: requirement.code });
	if (person.industry_code) q.set('industry', person.industry_code);
	return q.toString();
}
