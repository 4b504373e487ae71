import type { Db } from '../db/index.ts';

// SQL of webcam photos (snapshot-service.ts).

/** The attempt with the institution that runs its session (the photo's owner). */
export async function findSessionAttempt(db: Db, attemptId: number) {
	return db
		.selectFrom('exam_attempts as a')
		.innerJoin('exam_sessions as s', 's.id', 'a.session_id')
		.select(['a.id', 'a.person_id', 'a.status', 's.owner_org_id'])
		.where('a.id', '=', attemptId)
		.executeTakeFirst();
}

export async function insertSnapshot(db: Db, s: { attemptId: number; kind: 'identity' | 'random'; fileId: number; now: Date }): Promise<number> {
	const row = await db.insertInto('exam_snapshots').values({ attempt_id: s.attemptId, kind: s.kind, file_id: s.fileId, taken_at: s.now }).returning('id').executeTakeFirstOrThrow();
	return row.id;
}
