import { describe, expect, it } from 'vitest';
import { catalogueFilterFor, chooseCourses, type PlanCourse, type PlanPerson } from './plan.ts';

const course = (id: number, hours: number, type = 'topic', roles = ['frontline']): PlanCourse => ({
	id,
	title: `课程${id}`,
	training_type: type,
	audience_roles: roles,
	audience_industries: [],
	audience_high_risk: null,
	credit_hours: hours
});
const worker: PlanPerson = { role_category: 'frontline', industry_code: 'it_machinery', industry_parent: null, high_risk: false };
const ids = (r: { courses: PlanCourse[] }) => r.courses.map((c) => c.id).sort((a, b) => a - b);

describe('chooseCourses: the fewest courses that cover the requirement', () => {
	it('takes one course that covers it rather than several smaller ones', () => {
		const r = chooseCourses({ kind: 'annual', hours: 8 }, worker, [course(1, 2), course(2, 4), course(3, 2), course(4, 8, 'annual')]);
		expect(ids(r)).toEqual([4]);
		expect(r).toMatchObject({ assignedHours: 8, shortfall: 0 });
	});

	it('among as few courses, the fewest 学时 beyond the requirement', () => {
		// two courses are needed; 6 + 2 = 8 is exact, 6 + 4 = 10 would be more than needed
		const r = chooseCourses({ kind: 'annual', hours: 8 }, worker, [course(1, 6), course(2, 4), course(3, 2)]);
		expect(ids(r)).toEqual([1, 3]);
		expect(r.assignedHours).toBe(8);
	});

	it('prefers an annual course to a topic module of the same 学时', () => {
		expect(ids(chooseCourses({ kind: 'annual', hours: 8 }, worker, [course(1, 8), course(2, 8, 'annual')]))).toEqual([2]);
	});

	it('does not use courses of other roles, types or 高危', () => {
		const catalogue = [course(1, 8, 'annual', ['principal']), course(2, 8, 'initial'), { ...course(3, 8, 'annual'), audience_high_risk: true }, course(4, 3)];
		const r = chooseCourses({ kind: 'annual', hours: 8 }, worker, catalogue);
		expect(ids(r)).toEqual([4]);
		expect(r).toMatchObject({ assignedHours: 3, shortfall: 5 });
	});

	it('takes every fitting course and reports the shortfall when the catalogue cannot cover it', () => {
		const r = chooseCourses({ kind: 'pre_job', hours: 24 }, worker, [course(1, 2), course(2, 8, 'three_level'), course(3, 4.5)]);
		expect(ids(r)).toEqual([1, 2, 3]);
		expect(r).toMatchObject({ assignedHours: 14.5, shortfall: 9.5 });
	});

	it('stays quick with a large catalogue', () => {
		const catalogue = Array.from({ length: 60 }, (_, i) => course(i + 1, 1 + (i % 5)));
		const started = Date.now();
		const r = chooseCourses({ kind: 'pre_job', hours: 72 }, worker, catalogue);
		expect(r.assignedHours).toBeGreaterThanOrEqual(72);
		expect(r.courses.length).toBe(15); // the 12 five-hour courses carry 60, three four-hour ones the rest
		expect(Date.now() - started).toBeLessThan(2000);
	});

	it('suggests the catalogue filter for an uncovered requirement', () => {
		expect(catalogueFilterFor({ code: 'worker-annual' }, worker)).toBe('role=frontline&requirement=worker-annual&industry=it_machinery');
	});
});
