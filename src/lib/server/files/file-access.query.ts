import type { Db } from '../db/index.ts';

// Read-only queries behind canReadFile.

export async function findFileOwner(db: Db, fileId: number): Promise<{ ownerOrgId: number | null } | undefined> {
	const row = await db.selectFrom('files').select('owner_org_id').where('id', '=', fileId).executeTakeFirst();
	return row && { ownerOrgId: row.owner_org_id };
}

/** Does the person have an active enrolment in a published course with a lesson that uses this file? */
export async function isFileInPersonsCourses(db: Db, personId: number, fileId: number): Promise<boolean> {
	const row = await db
		.selectFrom('lessons as l')
		.innerJoin('courses as c', 'c.id', 'l.course_id')
		.innerJoin('enrolments as e', 'e.course_id', 'l.course_id')
		.select('l.id')
		.where('l.file_id', '=', fileId)
		.where('c.status', '=', 'published')
		.where('e.person_id', '=', personId)
		.where('e.status', '=', 'active')
		.limit(1)
		.executeTakeFirst();
	return row !== undefined;
}

/** For a webcam snapshot: the session it was taken in. Undefined when the file is not a snapshot. */
export async function findSnapshotSession(db: Db, fileId: number): Promise<{ sessionId: number } | undefined> {
	const row = await db
		.selectFrom('exam_snapshots as s')
		.innerJoin('exam_attempts as a', 'a.id', 's.attempt_id')
		.select('a.session_id')
		.where('s.file_id', '=', fileId)
		.executeTakeFirst();
	return row?.session_id ? { sessionId: row.session_id } : undefined;
}
