import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import { pickRequirement } from './requirements.ts';
import { listRequirementRules, xueshiMinutesOf } from './requirements.repository.ts';
import { listActivePersonsForPlan } from './plan.repository.ts';
import { toXueshi } from './hours.ts';

export type PlanEnrolment = {
	id: number;
	courseTitle: string;
	courseHours: number;
	dueOn: string | null;
	source: string;
	completed: boolean;
	overdue: boolean;
	creditedSeconds: number;
	creditedHours: number;
};

export type PlanRow = {
	personId: number;
	name: string;
	roleCategory: string;
	requiredHours: number | null;
	requirementTitle: string | null;
	assignedHours: number;
	creditedHours: number;
	enrolments: PlanEnrolment[];
};

export type PlanOverview = {
	rows: PlanRow[];
	totals: { persons: number; withRequirement: number; unassigned: number; overdue: number; met: number };
	shown: number;
};

/** The enterprise's plan for a year: per person, the requirement, the courses and the progress. */
export async function getPlanOverview(
	db: Db,
	orgId: number,
	year: number,
	today: string,
	filter: { roleCategory?: string; limit?: number } = {}
): Promise<PlanOverview> {
	const [rules, persons] = await Promise.all([listRequirementRules(db), listActivePersonsForPlan(db, orgId)]);
	const xueshiMinutes = xueshiMinutesOf(rules);
	const enrolments = await db
		.selectFrom('enrolments as e')
		.innerJoin('persons as p', 'p.id', 'e.person_id')
		.innerJoin('courses as c', 'c.id', 'e.course_id')
		.leftJoin(
			db
				.selectFrom('lesson_progress')
				.select(['enrolment_id', sql<number>`sum(credited_seconds)::int`.as('credited')])
				.groupBy('enrolment_id')
				.as('lp'),
			'lp.enrolment_id',
			'e.id'
		)
		.select(['e.id', 'e.person_id', 'c.title', 'c.credit_hours', 'e.due_on', 'e.source', 'e.completed_at', 'lp.credited'])
		.where('p.org_id', '=', orgId)
		.where('e.plan_year', '=', year)
		.where('e.status', '=', 'active')
		.orderBy('e.id')
		.execute();
	const byPerson = new Map<number, PlanEnrolment[]>();
	for (const e of enrolments) {
		const list = byPerson.get(e.person_id) ?? [];
		list.push({
			id: e.id,
			courseTitle: e.title,
			courseHours: Number(e.credit_hours),
			dueOn: e.due_on,
			source: e.source,
			completed: e.completed_at !== null,
			overdue: e.completed_at === null && e.due_on !== null && e.due_on < today,
			creditedSeconds: Number(e.credited ?? 0),
			creditedHours: toXueshi(Number(e.credited ?? 0), xueshiMinutes)
		});
		byPerson.set(e.person_id, list);
	}
	const all: PlanRow[] = persons.map((p) => {
		const rule = pickRequirement(rules, p, year);
		const list = byPerson.get(p.id) ?? [];
		return {
			personId: p.id,
			name: p.name,
			roleCategory: p.role_category,
			requiredHours: rule?.hours ?? null,
			requirementTitle: rule?.title ?? null,
			assignedHours: list.reduce((s, e) => s + e.courseHours, 0),
			creditedHours: toXueshi(list.reduce((s, e) => s + e.creditedSeconds, 0), xueshiMinutes),
			enrolments: list
		};
	});
	const totals = {
		persons: all.length,
		withRequirement: all.filter((r) => r.requiredHours !== null).length,
		unassigned: all.filter((r) => r.requiredHours !== null && r.enrolments.length === 0).length,
		overdue: all.filter((r) => r.enrolments.some((e) => e.overdue)).length,
		met: all.filter((r) => r.requiredHours !== null && r.creditedHours >= r.requiredHours).length
	};
	const filtered = filter.roleCategory ? all.filter((r) => r.roleCategory === filter.roleCategory) : all;
	return { rows: filtered.slice(0, filter.limit ?? 300), totals, shown: filtered.length };
}
