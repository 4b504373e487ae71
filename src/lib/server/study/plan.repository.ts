import { sql } from 'kysely';
import type { Db } from '../db/index.ts';
import type { PlanCourse } from './plan.ts';

/**
 * Published courses an enterprise may plan with: every institution's, and its own (an enterprise's
 * own courses — 车间级/班组级 教育 and the like — are never shown to another enterprise).
 */
export async function listPublishedCourses(db: Db, orgId: number): Promise<(PlanCourse & { code: string; owner_name: string | null })[]> {
	const rows = await db
		.selectFrom('courses as c')
		.leftJoin('organisations as o', 'o.id', 'c.owner_org_id')
		.select([
			'c.id',
			'c.code',
			'c.title',
			'c.training_type',
			'c.audience_roles',
			'c.audience_industries',
			'c.audience_high_risk',
			'c.credit_hours',
			'o.name as owner_name'
		])
		.where('c.status', '=', 'published')
		.where((eb) => eb.or([eb('o.kind', 'is distinct from', 'enterprise'), eb('c.owner_org_id', '=', orgId)]))
		.orderBy('c.title')
		.execute();
	return rows.map((r) => ({
		...r,
		audience_roles: r.audience_roles as string[],
		audience_industries: r.audience_industries as string[],
		credit_hours: Number(r.credit_hours)
	}));
}

export async function findPublishedCourse(db: Db, courseId: number, orgId: number) {
	return db
		.selectFrom('courses as c')
		.leftJoin('organisations as o', 'o.id', 'c.owner_org_id')
		.select(['c.id', 'c.title', 'c.credit_hours'])
		.where('c.id', '=', courseId)
		.where('c.status', '=', 'published')
		.where((eb) => eb.or([eb('o.kind', 'is distinct from', 'enterprise'), eb('c.owner_org_id', '=', orgId)]))
		.executeTakeFirst();
}

export type PlanPersonRow = {
	id: number;
	name: string;
	role_category: string;
	hired_on: string | null;
	industry_code: string | null;
	industry_parent: string | null;
	high_risk: boolean;
};

export async function listActivePersonsForPlan(db: Db, orgId: number, personIds?: number[]): Promise<PlanPersonRow[]> {
	let q = db
		.selectFrom('persons as p')
		.innerJoin('organisations as o', 'o.id', 'p.org_id')
		.leftJoin('industries as i', 'i.code', 'o.industry_code')
		.leftJoin('industries as parent', 'parent.code', 'i.parent_code')
		.select([
			'p.id',
			'p.name',
			'p.role_category',
			'p.hired_on',
			'o.industry_code',
			'i.parent_code as industry_parent',
			sql<boolean>`coalesce(i.high_risk, false) or coalesce(parent.high_risk, false)`.as('high_risk')
		])
		.where('p.org_id', '=', orgId)
		.where('p.active', '=', true);
	if (personIds) q = q.where('p.id', 'in', personIds.length ? personIds : [-1]);
	return q.orderBy('p.id').execute();
}

export type NewEnrolment = {
	person_id: number;
	course_id: number;
	plan_year: number;
	due_on: string | null;
	source: 'auto' | 'manual';
	requirement_code: string | null;
	assigned_by: number | null;
};

/** Inserts enrolments; existing (person, course, year) rows are left as they are. Returns how many were new. */
export async function insertEnrolments(db: Db, rows: NewEnrolment[], now: Date): Promise<number> {
	let inserted = 0;
	for (let i = 0; i < rows.length; i += 2000) {
		const batch = rows.slice(i, i + 2000);
		const result = await db
			.insertInto('enrolments')
			.values(batch.map((r) => ({ ...r, created_at: now })))
			.onConflict((oc) => oc.columns(['person_id', 'course_id', 'plan_year']).doNothing())
			.returning('id')
			.execute();
		inserted += result.length;
	}
	return inserted;
}

export async function findEnrolmentInOrg(db: Db, orgId: number, enrolmentId: number) {
	return db
		.selectFrom('enrolments as e')
		.innerJoin('persons as p', 'p.id', 'e.person_id')
		.select(['e.id', 'e.status', 'e.person_id', 'e.course_id'])
		.where('e.id', '=', enrolmentId)
		.where('p.org_id', '=', orgId)
		.executeTakeFirst();
}

export async function hasProgress(db: Db, enrolmentId: number): Promise<boolean> {
	const row = await db.selectFrom('lesson_progress').select('lesson_id').where('enrolment_id', '=', enrolmentId).limit(1).executeTakeFirst();
	return row !== undefined;
}

export async function setEnrolmentStatus(db: Db, enrolmentId: number, status: 'active' | 'withdrawn'): Promise<void> {
	await db.updateTable('enrolments').set({ status }).where('id', '=', enrolmentId).execute();
}

export async function setEnrolmentDue(db: Db, enrolmentId: number, dueOn: string | null): Promise<void> {
	await db.updateTable('enrolments').set({ due_on: dueOn }).where('id', '=', enrolmentId).execute();
}

/** Withdrawn enrolments of these persons in this course and year become active again, with the new due date. */
export async function reactivateEnrolments(db: Db, courseId: number, year: number, personIds: number[], dueOn: string | null): Promise<number> {
	if (personIds.length === 0) return 0;
	const result = await db
		.updateTable('enrolments')
		.set({ status: 'active', due_on: dueOn })
		.where('course_id', '=', courseId)
		.where('plan_year', '=', year)
		.where('person_id', 'in', personIds)
		.where('status', '=', 'withdrawn')
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}
