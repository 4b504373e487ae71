// "My exams" as the learner sees them, on the home page (我的学习) and on 我的考试 alike: both pages
// load listMySessions (result.query.ts) and group it here, so they cannot disagree.

export type MyExamPhase = 'upcoming' | 'open' | 'finished';

export type MyExamGroups<T> = { open: T[]; upcoming: T[]; finished: T[] };

/** 正在进行 (window open), 即将开始, 已结束 (window closed, or cancelled). */
export function groupMyExams<T extends { phase: MyExamPhase; cancelled: boolean }>(sessions: readonly T[]): MyExamGroups<T> {
	return {
		open: sessions.filter((s) => s.phase === 'open' && !s.cancelled),
		upcoming: sessions.filter((s) => s.phase === 'upcoming' && !s.cancelled),
		finished: sessions.filter((s) => s.phase === 'finished' || s.cancelled)
	};
}
