import type { Db } from '../db/index.ts';
import { withTransaction } from '../db/transaction.ts';
import { audit, type Actor } from '../audit/actor.ts';
import { notifyCoursesAssigned } from '../notifications/producers.ts';
import { catalogueFilterFor, chooseCourses } from './plan.ts';
import { pickRequirement } from './requirements.ts';
import { listRequirementRules } from './requirements.repository.ts';
import {
	findEnrolmentInOrg,
	findPublishedCourse,
	hasProgress,
	insertEnrolments,
	listActivePersonsForPlan,
	listPublishedCourses,
	reactivateEnrolments,
	setEnrolmentDue,
	setEnrolmentStatus,
	type NewEnrolment
} from './plan.repository.ts';

export type PlanSummary = {
	persons: number;
	withRequirement: number;
	created: number;
	shortfalls: { personId: number; name: string; required: number; assigned: number; requirementCode: string }[];
	/** One line per requirement the catalogue cannot cover, with the catalogue filter that lists its courses. */
	uncovered: UncoveredRequirement[];
};

export type UncoveredRequirement = {
	requirementCode: string;
	requirementTitle: string;
	required: number;
	roleCategory: string;
	persons: number;
	example: { name: string; assigned: number };
	/** query string for /enterprise/catalogue */
	filter: string;
};

/**
 * The annual plan: every active person with a statutory requirement gets the published
 * courses that cover it, chosen by role category, industry and 高危. Idempotent: running it
 * again only adds what is missing (for example after new staff were imported).
 */
export async function generateAnnualPlan(
	db: Db,
	input: { orgId: number; year: number; dueOn: string | null; actor: Actor },
	now: Date
): Promise<PlanSummary> {
	return withTransaction(db, (tx) => generateAnnualPlanIn(tx, input, now));
}

/** generateAnnualPlan inside a transaction the caller already holds (seeding). */
export async function generateAnnualPlanIn(
	tx: Db,
	input: { orgId: number; year: number; dueOn: string | null; actor: Actor },
	now: Date
): Promise<PlanSummary> {
	{
		const [rules, catalogue, persons] = await Promise.all([listRequirementRules(tx), listPublishedCourses(tx, input.orgId), listActivePersonsForPlan(tx, input.orgId)]);
		const rows: NewEnrolment[] = [];
		const summary: PlanSummary = { persons: persons.length, withRequirement: 0, created: 0, shortfalls: [], uncovered: [] };
		const uncovered = new Map<string, UncoveredRequirement>();
		for (const person of persons) {
			const rule = pickRequirement(rules, person, input.year);
			if (!rule) continue;
			summary.withRequirement++;
			const choice = chooseCourses(rule, person, catalogue);
			if (choice.shortfall > 0) {
				summary.shortfalls.push({ personId: person.id, name: person.name, required: rule.hours, assigned: choice.assignedHours, requirementCode: rule.code });
				const key = `${rule.code}|${person.role_category}|${person.industry_code ?? ''}`;
				const group = uncovered.get(key);
				if (group) group.persons++;
				else
					uncovered.set(key, {
						requirementCode: rule.code,
						requirementTitle: rule.title,
						required: rule.hours,
						roleCategory: person.role_category,
						persons: 1,
						example: { name: person.name, assigned: choice.assignedHours },
						filter: catalogueFilterFor(rule, person)
					});
			}
			for (const course of choice.courses) {
				rows.push({
					person_id: person.id,
					course_id: course.id,
					plan_year: input.year,
					due_on: input.dueOn,
					source: 'auto',
					requirement_code: rule.code,
					assigned_by: input.actor.userId
				});
			}
		}
		summary.uncovered = [...uncovered.values()];
		summary.created = await insertEnrolments(tx, rows, now);
		await notifyCoursesAssigned(tx, input.orgId, now);
		await audit(tx, input.actor, now, 'plan.generate', `org:${input.orgId}`, { year: input.year, created: summary.created, persons: summary.persons, shortfalls: summary.shortfalls.length });
		return summary;
	}
}

export type AssignResult = { ok: true; created: number; reactivated: number } | { ok: false; message: string };

/** Adds a course to chosen persons of the enterprise, with an optional due date. */
export async function assignCourse(
	db: Db,
	input: { orgId: number; personIds: number[]; courseId: number; year: number; dueOn: string | null; actor: Actor },
	now: Date
): Promise<AssignResult> {
	return withTransaction(db, async (tx) => {
		const course = await findPublishedCourse(tx, input.courseId, input.orgId);
		if (!course) return { ok: false, message: '课程不存在或未发布。' };
		const persons = await listActivePersonsForPlan(tx, input.orgId, input.personIds);
		if (persons.length !== new Set(input.personIds).size) return { ok: false, message: '所选人员中有不属于本单位或已停用的人员。' };
		const created = await insertEnrolments(
			tx,
			persons.map((p) => ({
				person_id: p.id,
				course_id: course.id,
				plan_year: input.year,
				due_on: input.dueOn,
				source: 'manual' as const,
				requirement_code: null,
				assigned_by: input.actor.userId
			})),
			now
		);
		await notifyCoursesAssigned(tx, input.orgId, now);
		// A course assigned again after being withdrawn becomes active again, with the new due date.
		const reactivated = await reactivateEnrolments(
			tx,
			course.id,
			input.year,
			persons.map((p) => p.id),
			input.dueOn
		);
		await audit(tx, input.actor, now, 'plan.assign', `course:${course.id}`, { year: input.year, persons: persons.length, created, dueOn: input.dueOn });
		return { ok: true, created, reactivated };
	});
}

export type EnrolmentChange = { ok: true } | { ok: false; message: string };

export async function withdrawEnrolment(db: Db, input: { orgId: number; enrolmentId: number; actor: Actor }, now: Date): Promise<EnrolmentChange> {
	return withTransaction(db, async (tx) => {
		const enrolment = await findEnrolmentInOrg(tx, input.orgId, input.enrolmentId);
		if (!enrolment) return { ok: false, message: '没有这条培训安排。' };
		if (await hasProgress(tx, enrolment.id)) return { ok: false, message: '该培训已有学习记录，不能撤销（学习记录须如实保存在培训档案中）。' };
		await setEnrolmentStatus(tx, enrolment.id, 'withdrawn');
		await audit(tx, input.actor, now, 'plan.withdraw', `enrolment:${enrolment.id}`, { personId: enrolment.person_id, courseId: enrolment.course_id });
		return { ok: true };
	});
}

export async function changeDueDate(
	db: Db,
	input: { orgId: number; enrolmentId: number; dueOn: string | null; actor: Actor },
	now: Date
): Promise<EnrolmentChange> {
	return withTransaction(db, async (tx) => {
		const enrolment = await findEnrolmentInOrg(tx, input.orgId, input.enrolmentId);
		if (!enrolment) return { ok: false, message: '没有这条培训安排。' };
		await setEnrolmentDue(tx, enrolment.id, input.dueOn);
		await audit(tx, input.actor, now, 'plan.due', `enrolment:${enrolment.id}`, { dueOn: input.dueOn });
		return { ok: true };
	});
}
