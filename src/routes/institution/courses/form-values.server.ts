import type { Course } from '#lib/server/courses/courses.repository.ts';
import { courseMetaFromForm } from '#lib/schemas/course.ts';

// What the course metadata form shows: the saved course, or what was just posted (after an error).

export function courseFormValues(c: Course) {
	return {
		code: c.code,
		title: c.title,
		description: c.description,
		training_type: c.trainingType as string,
		audience_roles: c.audienceRoles as string[],
		audience_industries: c.audienceIndustries,
		audience_high_risk: c.audienceHighRisk,
		credit_hours: c.creditHours as number | string | null
	};
}

export function postedCourseValues(form: FormData) {
	const v = courseMetaFromForm(form);
	const code = form.get('code');
	return {
		code: typeof code === 'string' ? code : '',
		title: v.title ?? '',
		description: v.description,
		training_type: v.training_type ?? '',
		audience_roles: v.audience_roles,
		audience_industries: v.audience_industries,
		audience_high_risk: v.audience_high_risk,
		credit_hours: (form.get('credit_hours') as string | null) ?? ''
	};
}
