import { error } from '@sveltejs/kit';
import type { Db } from '../db/index.ts';
import type { Scope } from '../auth/guards.ts';
import { idSchema } from '../../schemas/course.ts';
import { findOwnedCourse } from './courses.repository.ts';

/** The course named in the URL if the caller's institution owns it; 404 for anything else. */
export async function requireOwnedCourse(db: Db, scope: Scope, rawId: string) {
	const id = idSchema.safeParse(rawId);
	const course = id.success ? await findOwnedCourse(db, id.data, scope.orgId) : undefined;
	if (!course) error(404, '没有这门课程');
	return course;
}
