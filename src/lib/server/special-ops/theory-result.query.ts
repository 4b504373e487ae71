import type { Db } from '#lib/server/db/index.ts';

export type PassedTheory = { attemptId: number; score: number; finishedAt: Date };

/** The latest passed, not voided theory attempt of a 特种作业 application (exam_candidates.application_id). */
export async function findPassedTheory(db: Db, applicationId: number): Promise<PassedTheory | null> {
	const row = await db
		.selectFrom('exam_attempts as a')
		.innerJoin('exam_candidates as c', 'c.id', 'a.candidate_id')
		.select(['a.id', 'a.score', 'a.finished_at'])
		.where('c.application_id', '=', applicationId)
		.where('a.status', '=', 'finished')
		.where('a.passed', '=', true)
		.where((eb) => eb.or([eb('a.decision', 'is', null), eb('a.decision', '!=', 'voided')]))
		.orderBy('a.finished_at', 'desc')
		.limit(1)
		.executeTakeFirst();
	if (!row || !row.finished_at) return null;
	return { attemptId: row.id, score: Number(row.score), finishedAt: new Date(row.finished_at) };
}
