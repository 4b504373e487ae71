// Exam integrity: while a person sits an exam (or is about to), nothing about the questions of the
// banks their paper draws on is served to them — no practice, no feedback, no review, no 错题本 key.
// The rule is decided here (pure); exam-lock.query.ts finds the facts; every learner-facing place
// that serves a question, a key or an explanation asks for the lock first.

/**
 * A prepared (ready) attempt locks its banks from this long before its session opens: a
 * candidate cannot practise the night before and keep a practice tab open into the exam.
 */
export const LOCK_BEFORE_OPENING_HOURS = 24;

export type ExamLock = {
	/** The banks locked now. */
	bankIds: ReadonlySet<number>;
	/** The sessions causing the lock, by name (for the message). */
	sessions: readonly string[];
};

/** Whether any of these banks is locked. */
export function locksAnyBank(lock: ExamLock, bankIds: Iterable<number>): boolean {
	for (const id of bankIds) if (lock.bankIds.has(Number(id))) return true;
	return false;
}

/** Why a learner cannot practise or review now, naming the session(s). */
export function examLockMessage(lock: ExamLock): string {
	const names = lock.sessions.length ? lock.sessions.join('、') : '考试';
	return `你有正在进行或即将开始的考试（${names}），考试结束前不能练习或查看该题库的题目与解析。`;
}
