import type { Db } from '../../src/lib/server/db/index.ts';
import type { TrainingType } from '../../src/lib/domain/courses.ts';
import { makeOrg, validIdNumber } from './factories.ts';
import type { RoleCategory } from '../../src/lib/domain/labels.ts';

let n = 0;

export async function makePerson(db: Db, orgId: number, opts: { role?: RoleCategory; hiredOn?: string | null; name?: string } = {}) {
	const row = await db
		.insertInto('persons')
		.values({
			name: opts.name ?? `学员${++n}`,
			id_number: validIdNumber('500112', `19${70 + (n % 30)}0101`),
			org_id: orgId,
			role_category: opts.role ?? 'principal',
			hired_on: opts.hiredOn ?? null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export type LessonSpec = { kind?: 'text' | 'video' | 'pdf'; minutes: number; videoSeconds?: number };

/** A published course owned by a new institution, one module, the given lessons. */
export async function makeCourse(
	db: Db,
	lessons: LessonSpec[],
	opts: { status?: 'draft' | 'published' | 'retired'; roles?: string[]; trainingType?: TrainingType; hours?: number; highRisk?: boolean | null } = {}
) {
	const institution = await makeOrg(db, 'institution');
	const at = new Date('2026-01-01T00:00:00Z');
	const course = await db
		.insertInto('courses')
		.values({
			code: `c-${Date.now().toString(36)}-${++n}`,
			title: `测试课程${n}`,
			training_type: opts.trainingType ?? 'annual',
			audience_roles: JSON.stringify(opts.roles ?? ['principal']),
			audience_high_risk: opts.highRisk ?? null,
			credit_hours: String(opts.hours ?? 1),
			owner_org_id: institution,
			status: opts.status ?? 'published',
			created_at: at,
			updated_at: at,
			published_at: at
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	const mod = await db.insertInto('course_modules').values({ course_id: course.id, title: '第一章', position: 1 }).returning('id').executeTakeFirstOrThrow();
	const lessonIds: number[] = [];
	for (const [i, l] of lessons.entries()) {
		const row = await db
			.insertInto('lessons')
			.values({
				course_id: course.id,
				module_id: mod.id,
				title: `第${i + 1}节`,
				kind: l.kind ?? 'text',
				body_md: '正文',
				minutes: l.minutes,
				video_seconds: l.videoSeconds ?? null,
				position: i + 1
			})
			.returning('id')
			.executeTakeFirstOrThrow();
		lessonIds.push(row.id);
	}
	return { courseId: course.id, lessonIds, institutionId: institution };
}

export async function enrol(db: Db, personId: number, courseId: number, year = 2026) {
	const row = await db
		.insertInto('enrolments')
		.values({ person_id: personId, course_id: courseId, plan_year: year, source: 'manual', created_at: new Date('2026-01-01T00:00:00Z') })
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}
