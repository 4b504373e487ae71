import type { Db } from '../db/index.ts';
import type { CourseStatus, TrainingType } from '../../domain/courses.ts';

// Read-only queries for the course screens.

export type CourseListRow = {
	id: number;
	code: string;
	title: string;
	trainingType: TrainingType;
	status: CourseStatus;
	creditHours: number;
	lessons: number;
	minutes: number;
	updatedAt: Date;
};

export async function listOwnedCourses(db: Db, orgId: number): Promise<CourseListRow[]> {
	const rows = await db
		.selectFrom('courses as c')
		.leftJoin('lessons as l', 'l.course_id', 'c.id')
		.select([
			'c.id',
			'c.code',
			'c.title',
			'c.training_type',
			'c.status',
			'c.credit_hours',
			'c.updated_at',
			(eb) => eb.fn.count<number>('l.id').as('lessons'),
			(eb) => eb.fn.coalesce(eb.fn.sum<number>('l.minutes'), eb.lit(0)).as('minutes')
		])
		.where('c.owner_org_id', '=', orgId)
		.groupBy('c.id')
		// drafts first (work in progress), then published, then retired; newest first within each
		.orderBy((eb) => eb.case().when('c.status', '=', 'draft').then(0).when('c.status', '=', 'published').then(1).else(2).end())
		.orderBy('c.updated_at', 'desc')
		.execute();
	return rows.map((r) => ({
		id: r.id,
		code: r.code,
		title: r.title,
		trainingType: r.training_type,
		status: r.status,
		creditHours: Number(r.credit_hours),
		lessons: Number(r.lessons),
		minutes: Number(r.minutes),
		updatedAt: r.updated_at
	}));
}

export async function listIndustryChoices(db: Db): Promise<{ code: string; name: string; highRisk: boolean; parentCode: string | null }[]> {
	const rows = await db.selectFrom('industries').select(['code', 'name', 'high_risk', 'parent_code']).orderBy('sort').execute();
	return rows.map((r) => ({ code: r.code, name: r.name, highRisk: r.high_risk, parentCode: r.parent_code }));
}
