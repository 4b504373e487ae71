import type { Db } from '../db/index.ts';
import { separationMessage, type TaughtConflict } from './scheduling.ts';
import { applicationIdsOfTheorySession, findTaughtPairs } from './scheduling.repository.ts';

// 教考分离 (30号令 第六条) against the database: an examiner who teaches the 培训班 of an assigned
// application may not examine it. Used by 特种作业 scheduling and by the theory session's examiner picker.

/** The refusal for these examiners and applications, or null when none of them taught any. */
export async function separationRefusal(db: Db, examinerIds: readonly number[], applicationIds: readonly number[]): Promise<string | null> {
	const rows = await findTaughtPairs(db, examinerIds, applicationIds);
	if (!rows.length) return null;
	const byPair = new Map<string, TaughtConflict>();
	for (const r of rows) {
		const key = `${r.examiner_id}:${r.cohort_id}`;
		const c = byPair.get(key) ?? { examinerName: r.examiner_name, cohortName: r.cohort_name, candidateNames: [] };
		c.candidateNames.push(r.person_name);
		byPair.set(key, c);
	}
	return separationMessage([...byPair.values()]);
}

/** 教考分离 for an exam session's examiners (the existing session page's picker): null when allowed. */
export async function theoryExaminerRefusal(db: Db, sessionId: number, examinerIds: readonly number[]): Promise<string | null> {
	return separationRefusal(db, examinerIds, await applicationIdsOfTheorySession(db, sessionId));
}
